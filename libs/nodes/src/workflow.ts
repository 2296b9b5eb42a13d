import type { ParamValue } from './types.js';

export const WORKFLOW_FORMAT = 'lvcd-studio/workflow';
export const WORKFLOW_VERSION = 1;

export interface WorkflowNode {
  id: string;
  type: string;
  params: Record<string, ParamValue>;
  position: { x: number; y: number };
  /** A bypassed node passes its first input of each output's type straight through. */
  bypass?: boolean;
  title?: string;
}

export interface LinkEnd {
  node: string;
  output: string;
}

export interface Link {
  from: { node: string; output: string };
  to: { node: string; input: string };
}

export interface WorkflowDocument {
  format: typeof WORKFLOW_FORMAT;
  version: typeof WORKFLOW_VERSION;
  nodes: WorkflowNode[];
  links: Link[];
  meta: Record<string, unknown>;
}

/** Limits on a document's shape so a hostile one cannot exhaust memory or CPU in validation. */
export const WORKFLOW_LIMITS = {
  maxNodes: 2000,
  maxLinks: 8000,
  maxIdLength: 128,
  maxStringParam: 10_000,
  maxMetaBytes: 64 * 1024,
};

export function emptyWorkflow(name = 'Untitled'): WorkflowDocument {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, nodes: [], links: [], meta: { name } };
}
