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
  /** The user's name for the node, shown instead of its type's title. */
  title?: string;
  /** How the editor draws it; nothing here changes what runs. Absent means the defaults (added in format 1, optional). */
  ui?: NodeUi;
}

export interface NodeUi {
  /** Width in canvas pixels, within NODE_UI_WIDTH; the height follows the content. */
  width?: number;
  /** Params and previews hidden, sockets kept. */
  collapsed?: boolean;
  /**
   * ComfyUI's "control after run", per seed param: what the editor does to the seed once a run is queued. Only
   * params that change are listed; absent means `fixed`.
   */
  afterRun?: Record<string, Exclude<SeedControl, 'fixed'>>;
}

/** What happens to a seed after each queued run: kept, counted up or down (wrapping within 0..MAX_SEED), or drawn anew. */
export const SEED_CONTROLS = ['fixed', 'increment', 'decrement', 'randomise'] as const;
export type SeedControl = (typeof SEED_CONTROLS)[number];

/** The widths a node may be given; a document's width outside them is clamped when read. */
export const NODE_UI_WIDTH = { min: 180, max: 1200 };

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
