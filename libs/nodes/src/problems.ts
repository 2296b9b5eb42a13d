/** A validation problem: what is wrong, where, and how to fix it. Every problem names its place. */
export type ProblemCode =
  | 'bad-document'
  | 'unknown-version'
  | 'unknown-node-type'
  | 'duplicate-node-id'
  | 'unknown-node'
  | 'unknown-input'
  | 'unknown-output'
  | 'missing-input'
  | 'duplicate-input'
  | 'type-mismatch'
  | 'cycle'
  | 'unknown-param'
  | 'bad-param'
  | 'unknown-asset'
  | 'nothing-to-run';

export interface Problem {
  code: ProblemCode;
  message: string;
  fix: string;
  node?: string;
  input?: string;
  param?: string;
}

export function describeProblem(p: Problem): string {
  const where = [p.node && `node ${p.node}`, p.input && `input ${p.input}`, p.param && `param ${p.param}`]
    .filter(Boolean)
    .join(', ');
  return `${where ? `${where}: ` : ''}${p.message} (${p.fix})`;
}

/** Thrown at a boundary when a document fails validation; carries every problem at once. */
export class WorkflowInvalidError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`workflow is invalid:\n${problems.map((p) => `  - ${describeProblem(p)}`).join('\n')}`);
    this.name = 'WorkflowInvalidError';
  }
}
