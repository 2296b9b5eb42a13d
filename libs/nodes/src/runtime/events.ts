import type { RunRecord } from '../run-record.js';
import type { Artifact, FramePreview, Outputs } from './node-type.js';

/** What the executor reports while it runs; the server turns these into Socket.IO messages, the CLI into a progress bar. */
export type ExecutionEvent =
  | { type: 'node:started'; node: string; nodeType: string }
  | { type: 'node:progress'; node: string; value: number; max: number; text?: string }
  | { type: 'node:cached'; node: string; artifacts: Artifact[] }
  | { type: 'node:finished'; node: string; ms: number; artifacts: Artifact[] }
  | { type: 'node:bypassed'; node: string }
  | { type: 'node:failed'; node: string; message: string; field?: string }
  | ({ type: 'frame'; node: string } & FramePreview)
  | { type: 'artifact'; node: string; artifact: Artifact };

export interface NodeOutcome {
  status: 'done' | 'cached' | 'bypassed' | 'failed' | 'cancelled';
  ms: number;
}

export interface ExecutionResult {
  status: 'succeeded' | 'failed' | 'cancelled';
  /** The failing node, its message, and the input or param it names when the node said which. */
  error?: { node: string; message: string; field?: string };
  nodes: Record<string, NodeOutcome>;
  artifacts: { node: string; artifact: Artifact }[];
  /** Cache keys the run used, so a caller can keep them while it copies artefacts. */
  cacheKeys: string[];
  /** What each target node that ran produced (small handles to files in the cache). */
  outputs: Record<string, Outputs>;
  /** The run's reproducibility record, also written as its `run.json` artefact. */
  record?: RunRecord;
}
