import { readFile } from 'node:fs/promises';

export class WorkflowFileError extends Error {
  override name = 'WorkflowFileError';
}

/** Reads a workflow file as untrusted JSON; validation comes after. */
export async function readWorkflowFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new WorkflowFileError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new WorkflowFileError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}
