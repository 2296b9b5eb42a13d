// The shapes of the studio's HTTP answers (docs/api.md), shared so the server that sends them and the editor
// that reads them cannot drift apart.
import type { WorkflowDocument } from './workflow.js';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const NODE_STATUSES = ['queued', 'running', 'cached', 'done', 'bypassed', 'failed', 'cancelled'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** A node's state within a run: its status, timing, last progress and failure message. */
export interface NodeState {
  status: NodeStatus;
  ms?: number;
  value?: number;
  max?: number;
  text?: string;
  message?: string;
  /** The input or param a failure names, so the editor can mark it. */
  field?: string;
}

/** An artefact as the API shows it: fetch the file from /api/artifacts/:id. */
export interface ArtifactView {
  id: string;
  node: string;
  name: string;
  mime: string;
  kind: string;
  size: number;
  meta?: Record<string, unknown>;
}

/** What the outputs gallery lists: pictures, and videos (Save Video's mp4, WebP or GIF). */
export const OUTPUT_KINDS = ['image', 'video'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** An artefact with the run that made it: one item of the outputs gallery (GET /api/artifacts). */
export interface OutputView extends ArtifactView {
  runId: string;
  runStatus: RunStatus;
  workflowId?: string;
  workflowName?: string;
  /** When the artefact was stored (ISO). */
  createdAt: string;
}

/** A page of outputs, newest first; `total` counts every output the filters match. */
export interface OutputPage {
  items: OutputView[];
  total: number;
  limit: number;
  offset: number;
}

export interface RunError {
  node: string;
  message: string;
  /** The input or param of `node` the failure names, when it named one. */
  field?: string;
}

export interface RunSummary {
  id: string;
  status: RunStatus;
  workflowId?: string;
  workflowName?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  error?: RunError;
  /** Artefact id of an image to show for the run, or of a video when the run made no image. */
  thumbnail?: string;
  /** Set when the thumbnail is a video: show one of its frames, labelled as a video. */
  thumbnailKind?: 'video';
}

export interface RunDetail extends RunSummary {
  document: WorkflowDocument;
  nodes: Record<string, NodeState>;
  artifacts: ArtifactView[];
  /** The workers that took it, in order; absent for runs that never started. */
  attempts?: RunAttempt[];
}

/** The workflows the studio saves itself on first start; they are kept as they came (saving one forks a copy). */
export const SEED_KEYS = ['demo', 'lvcd-template'] as const;
export type SeedKey = (typeof SEED_KEYS)[number];

export interface WorkflowSummary {
  id: string;
  name: string;
  version: number;
  updatedAt: string;
  /** Set on a seeded workflow: the server refuses to overwrite or delete it. */
  seed?: SeedKey;
}

export interface SavedWorkflow extends WorkflowSummary {
  document: WorkflowDocument;
}

export interface WorkflowVersionView {
  id: string;
  name: string;
  version: number;
  document: WorkflowDocument;
  createdAt: string;
}

export interface AssetView {
  id: string;
  name: string;
  mime: string;
  kind: string;
  size: number;
  createdAt: string;
}

/** A run's frame sequence for the compare view: enough to lay out and play it before any frame is fetched. */
export interface SequenceInfo {
  artifact: string;
  /** Frames the sequence has (the container's count until decoding ends, then the frames actually decoded). */
  count: number;
  width: number;
  height: number;
  fps: number;
  /** Frames 0..ready-1 can be fetched now. */
  ready: number;
  complete: boolean;
}

export interface PairMetricRow {
  index: number;
  psnr: number;
  ssim: number;
}

/** PSNR/SSIM of run B's frames against run A's. */
export interface PairMetrics {
  a: string;
  b: string;
  frames: PairMetricRow[];
  summary: { frames: number; meanPsnr: number; meanSsim: number; minPsnr: number };
}

/** A side-by-side export of two runs, downloadable at `url`. */
export interface CompareExport {
  id: string;
  url: string;
  name: string;
  frames: number;
  width: number;
  height: number;
  fps: number;
}

/** A worker taking a run: one per run, more when a worker died under it and another resumed it. */
export interface RunAttempt {
  worker: string;
  host: string;
  /** Epoch ms. */
  startedAt: number;
  /** Set when another worker took over: what happened to this one, as far as the taker knows. */
  handedOver?: string;
}

/** A process that executes runs, as it advertises itself in its heartbeat (GET /api/workers, the Workers panel). */
export interface WorkerView {
  id: string;
  pid: number;
  state: 'starting' | 'ready';
  host: string;
  /** Where its models run. */
  provider: 'cpu' | 'cuda' | null;
  /** The CUDA device it is pinned to (`lvcd worker --gpu N`); null on the CPU or when it sees every device. */
  gpu: number | null;
  /** Memory of its device (the GPU's, or the machine's on the CPU), and how much was free at its last heartbeat. */
  deviceMemoryBytes: number | null;
  freeMemoryBytes: number | null;
  /** Runs it executes at once. */
  concurrency: number;
  /** Ids of the runs it executes now. */
  running: string[];
  /** Content hashes of the model bundles it has open: runs needing one of them go to it first. */
  bundles: string[];
  version: string;
  /** Resident memory at its last heartbeat. */
  rssBytes: number | null;
  lastSeen: string | null;
}

// The run record (`run.json` artefact), why two runs differ, and what a rerun would do differently now.
export * from './run-record.js';
export * from './run-difference.js';
export * from './run-drift.js';
