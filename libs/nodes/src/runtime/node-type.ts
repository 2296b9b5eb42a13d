import type { NodeProvenance } from '../run-record.js';
import type { WindowCheckpoints } from './checkpoints.js';
import type { DecodeOffload } from './decode-offload.js';
import type { NodeSpec, ParamValue } from '../types.js';
import type { WorkflowDocument } from '../workflow.js';
import type { Value } from './values.js';

/** A file a node produced for the user (a video, a PNG, a metrics table), kept with the run. */
export interface Artifact {
  /** Absolute path of the file inside the node's output folder. */
  file: string;
  name: string;
  mime: string;
  kind: 'image' | 'video' | 'frames' | 'json' | 'csv' | 'zip';
  /** Extra facts for the UI, such as frame count or fps. */
  meta?: Record<string, unknown>;
}

/** A frame preview pushed to watchers as soon as it exists. */
export interface FramePreview {
  output: string;
  index: number;
  count?: number;
  width: number;
  height: number;
  mime: 'image/png' | 'image/jpeg';
  data: Uint8Array;
}

/** Resolves content-addressed asset ids to files; ids come from validated params only. */
export interface AssetResolver {
  pathOf(id: string): string;
  info(id: string): { name: string; mime: string; size: number } | undefined;
}

export interface ExecuteContext {
  nodeId: string;
  params: Record<string, ParamValue>;
  inputs: Record<string, Value | undefined>;
  /** An empty folder owned by this node's execution; every output file goes here. */
  outDir: string;
  signal: AbortSignal;
  progress(value: number, max: number, text?: string): void;
  frame(preview: FramePreview): void;
  artifact(artifact: Artifact): void;
  assets: AssetResolver;
  /** Folder of converted model bundles. */
  modelsDir: string;
  /** The workflow being run, to embed in outputs so they can be dragged back into the editor. */
  workflow: WorkflowDocument;
  /**
   * Checkpoints of this execution (its cache key) that survive the process: what an earlier execution of the same
   * node saved before it stopped, to continue from. Absent where the runtime keeps none.
   */
  checkpoints?: WindowCheckpoints;
  /** Decoding on another worker, where the runtime offers it (scale-out workers started with --offload-decode). */
  decodeOffload?: DecodeOffload;
}

export type Outputs = Record<string, Value>;

/** What a node's provenance may look at: its params, and the outputs and artefacts it produced (fresh or cached). */
export interface ProvenanceContext {
  params: Record<string, ParamValue>;
  outputs: Outputs;
  artifacts: readonly Artifact[];
}

/** A node type as the registry and executor hold it: its catalogue entry plus the functions that run it. Write nodes with `defineNode`. */
export interface NodeType extends NodeSpec {
  fingerprint?(ctx: Pick<ExecuteContext, 'params' | 'inputs' | 'modelsDir' | 'assets'>): Promise<string> | string;
  provenance?(ctx: ProvenanceContext): Promise<NodeProvenance | undefined> | NodeProvenance | undefined;
  estimate?(ctx: EstimateContext): Promise<NodeEstimate>;
  execute(ctx: ExecuteContext): Promise<Outputs>;
}

/**
 * What an estimate knows of a frame sequence before it exists: its size and length, read from the clip's file and
 * the params of the nodes between (catalogue/clip-shapes.ts), or from the sequence itself once it was made.
 */
export interface FrameShape {
  width: number;
  height: number;
  count: number;
}

/** An estimate's inputs: the values upstream made, or for frame sequences their shape alone. */
export interface EstimateContext extends Pick<ExecuteContext, 'params' | 'modelsDir'> {
  inputs: Record<string, Value | FrameShape | undefined>;
}

/** What a run of a node will cost, known from its inputs before it runs (`lvcd plan`, POST /api/plan). */
export interface NodeEstimate {
  peakBytes: number;
  /** Memory free for it on the device it would run on (after any cap), when that can be asked. */
  freeBytes?: number;
  fits: boolean;
  seconds: number;
  /** Lines a person reads: the parts of the figure, what to change when it does not fit, the basis. */
  details: string[];
}

/**
 * An error a node reports about its own input or params: the executor shows it on the node as is, with the
 * input or param it names (`field`) marked in the editor, so the message must say what is wrong and how to fix it.
 */
export class NodeError extends Error {
  override name = 'NodeError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Thrown by execute functions when the run was cancelled between steps. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError();
}

/** The catalogue entry of a node type without its execute function (what the editor receives). */
export function specOf(type: NodeType): NodeSpec {
  const { execute: _execute, fingerprint: _fingerprint, provenance: _provenance, estimate: _estimate, ...spec } = type;
  return spec;
}
