// Turns untrusted bytes or text (a file, a drop, a paste) into a workflow the editor can show, or a clear refusal.
import { describeProblem, isPng, PNG_WORKFLOW_KEY, readPngText, validateWorkflow, type NodeSpec, type Problem, type WorkflowDocument } from '@lvcd/nodes';

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export type ImportResult =
  | { ok: true; document: WorkflowDocument; problems: Problem[] }
  | { ok: false; message: string; /** a plain picture: the caller may load it as an image instead */ plainImage?: boolean };

/** Problems that mean the editor cannot show the document faithfully: loading it would silently lose parts. */
const STRUCTURAL = new Set<Problem['code']>(['bad-document', 'unknown-version', 'duplicate-node-id', 'unknown-node-type', 'unknown-node', 'unknown-input', 'unknown-output']);

export function parseWorkflowText(text: string, specs: ReadonlyMap<string, NodeSpec>, source = 'the text'): ImportResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `${source} is not valid JSON (${(e as Error).message})` };
  }
  const { document, problems } = validateWorkflow(raw, { specs });
  const fatal = problems.filter((p) => STRUCTURAL.has(p.code));
  if (!document || fatal.length) {
    const first = (fatal[0] ?? problems[0])!;
    const more = fatal.length > 1 ? ` (and ${fatal.length - 1} more problem${fatal.length > 2 ? 's' : ''})` : '';
    return { ok: false, message: `cannot open ${source}: ${describeProblem(first)}${more}` };
  }
  return { ok: true, document, problems };
}

export async function readWorkflowFile(file: File, specs: ReadonlyMap<string, NodeSpec>): Promise<ImportResult> {
  const label = `"${file.name}"`;
  if (file.size > MAX_IMPORT_BYTES) return { ok: false, message: `${label} is ${(file.size / 1e6).toFixed(1)} MB; a workflow file is at most ${MAX_IMPORT_BYTES / 1e6} MB` };
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isPng(bytes)) {
    let text: string | undefined;
    try {
      text = readPngText(bytes).get(PNG_WORKFLOW_KEY);
    } catch (e) {
      return { ok: false, message: `cannot read ${label}: ${(e as Error).message}` };
    }
    if (text === undefined) return { ok: false, plainImage: true, message: `${label} carries no LVCD Studio workflow` };
    return parseWorkflowText(text, specs, `the workflow in ${label}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const image = file.type.startsWith('image/');
    return { ok: false, plainImage: image, message: `${label} is neither a workflow JSON file nor a studio PNG` };
  }
  return parseWorkflowText(text, specs, label);
}
