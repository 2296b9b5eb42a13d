import { BadRequestException } from '@nestjs/common';
import { validateWorkflow, type Problem, type WorkflowDocument } from '@lvcd/nodes';
import type { Runtime } from '../runtime/runtime.js';

/** Problems that mean the document itself could not be read whole; saving it would silently drop parts. */
const UNREADABLE: ReadonlySet<Problem['code']> = new Set(['bad-document', 'unknown-version']);

export function problemsOf(runtime: Runtime, document: unknown): { document?: WorkflowDocument; problems: Problem[] } {
  return validateWorkflow(document, { specs: runtime.registry.specs, assetExists: (id) => runtime.assets.exists(id) });
}

/**
 * The clean copy of a document to save as a draft. A draft may still have graph problems (a missing link,
 * an asset not yet uploaded), but it must be readable as a whole.
 */
export function draftDocument(runtime: Runtime, document: unknown): WorkflowDocument {
  const result = problemsOf(runtime, document);
  const unreadable = result.problems.filter((p) => UNREADABLE.has(p.code));
  if (!result.document || unreadable.length > 0) {
    throw new BadRequestException({ message: 'the workflow document cannot be read', problems: unreadable.length ? unreadable : result.problems });
  }
  return result.document;
}
