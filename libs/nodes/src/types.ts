/**
 * The node catalogue as data: what a node type looks like to the editor, the validator and the executor.
 * Nothing here runs code; execute functions live in `runtime/` and `catalogue/` (Node-only).
 */

/** The kinds of value that flow along links. */
export const SOCKET_TYPES = ['IMAGE', 'FRAMES', 'SKETCHES', 'LATENTS', 'LVCD_MODELS', 'METRICS'] as const;
export type SocketType = (typeof SOCKET_TYPES)[number];

/**
 * Which output types an input accepts besides its own type.
 * Sketches are a frame sequence (white paper, dark lines), so anything that takes FRAMES takes SKETCHES too.
 */
const WIDENINGS: Partial<Record<SocketType, readonly SocketType[]>> = {
  FRAMES: ['SKETCHES'],
};

export function socketAccepts(input: SocketType, output: SocketType): boolean {
  return input === output || (WIDENINGS[input]?.includes(output) ?? false);
}

/** What kind of uploaded asset a param may reference. */
export const ASSET_KINDS = ['image', 'video', 'zip', 'model'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export type ParamSchema =
  | { kind: 'number'; default: number; min: number; max: number; step?: number }
  | {
      kind: 'integer';
      default: number;
      min: number;
      max: number;
      step?: number;
      /**
       * A frame number of the clip on the node's FRAMES input: `index` names a frame (up to the clip's length - 1),
       * `end` a frame to stop before (up to its length). Editors bound the value by the clip once its length is known.
       */
      frames?: 'index' | 'end';
    }
  | { kind: 'seed'; default: number }
  | { kind: 'enum'; default: string; options: readonly string[] }
  | { kind: 'boolean'; default: boolean }
  | { kind: 'string'; default: string; maxLength: number; multiline?: boolean }
  | { kind: 'asset'; accept: readonly AssetKind[]; optional?: boolean };

/** Largest seed: seeds travel through JSON, so they stay exact integers. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export interface ParamSpec {
  name: string;
  label?: string;
  description?: string;
  schema: ParamSchema;
}

export interface InputSpec {
  name: string;
  type: SocketType;
  label?: string;
  optional?: boolean;
}

export interface OutputSpec {
  name: string;
  type: SocketType;
  label?: string;
}

/**
 * What the editor and server may rely on a node for, instead of knowing type ids:
 * - `frames-output`: saves or shows the run's frame sequence (what compare plays);
 * - `clip-source`: loads the clip, so its fps is the clip's;
 * - `metrics`: measures frames against ground truth (its artefact's summary is the run's metrics);
 * - `model-loader`: opens model files (runs that use it need a worker that can hold them).
 */
export const NODE_ROLES = ['frames-output', 'clip-source', 'metrics', 'model-loader'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

export interface NodeSpec {
  /** Stable id used in workflow documents, e.g. `image/load`. */
  type: string;
  title: string;
  category: string;
  description: string;
  /** Bump when the meaning of the outputs changes, so cached outputs of older versions are not reused. */
  version: number;
  inputs: readonly InputSpec[];
  outputs: readonly OutputSpec[];
  params: readonly ParamSpec[];
  /** Output nodes are what a run executes by default: they save, preview or measure. */
  isOutput?: boolean;
  roles?: readonly NodeRole[];
}

export type ParamValue = string | number | boolean | null;
