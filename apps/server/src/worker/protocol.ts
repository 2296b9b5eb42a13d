import type { DeviceMemory } from '@lvcd/models';
import type { RunEvent, RunJob, RunOutcome } from '../runs/run-scheduler.js';
import type { RuntimeSettings } from '../runtime/runtime.js';

/** What the server gives a worker at fork, in the LVCD_WORKER_SETTINGS environment variable (JSON). */
export interface WorkerSettings extends RuntimeSettings {
  /** Scale-out (`lvcd worker --offload-decode`): LVCD Colorize asks for its decode chunks to go to another worker. */
  offloadDecode?: boolean;
}

/**
 * One decode chunk crossing between workers (scale-out). Its tensors are files in the shared data dir, never
 * messages: paths are relative to the data dir, the bundle's to the models dir (each machine mounts its own).
 */
export interface DecodeChunkRequest {
  /** Unique per chunk; also the chunk's job id in the decode queue. */
  id: string;
  runId: string;
  /** The bundle the run samples with: decoded elsewhere only by a bundle of this same content. */
  bundle: { path: string; contentHash: string };
  provider: 'cuda' | 'cpu';
  /** Unscaled latents of the chunk, raw float32 (frames, c, h, w). */
  latents: string;
  frames: number;
  /** Where the decoding worker writes the frames, raw float32 (frames, 3, H, W). */
  output: string;
}

/**
 * Where a chunk was decoded: by `worker` (`elsewhere` unless the worker it went to was lost and the sender's own
 * process took it back), or nowhere yet (no other worker was free: decode it here).
 */
export type DecodeAnswer = { kind: 'decoded'; worker: string; elsewhere: boolean } | { kind: 'local'; why: string };

export const SETTINGS_ENV = 'LVCD_WORKER_SETTINGS';

/** Server to worker. */
export type ToWorker =
  | { type: 'run'; job: RunJob }
  | { type: 'cancel'; runId: string }
  /** The server recorded the run's outcome: its cache entries may go. */
  | { type: 'release'; runId: string }
  /** Decode a chunk of another worker's run (scale-out). */
  | { type: 'decode'; request: DecodeChunkRequest }
  /** The answer to this worker's `offload` ask. */
  | { type: 'offloaded'; id: string; answer: DecodeAnswer };

/** Worker to server; one IPC channel, so a run's events arrive in the order they happened, before its end. */
export type FromWorker =
  | { type: 'ready'; pid: number; provider: 'cpu' | 'cuda'; version: string }
  /**
   * Its memory and the host's free memory (what an OOM kill is judged by), its device's memory (the GPU's on
   * CUDA, null when nvidia-smi cannot say), and the content hashes of the model bundles it has open.
   */
  | { type: 'heartbeat'; rssBytes: number; freeMemoryBytes: number; device: DeviceMemory | null; bundles: string[] }
  | { type: 'event'; runId: string; event: RunEvent }
  | { type: 'ended'; runId: string; outcome: RunOutcome }
  /** Asks for one of its runs' decode chunks to be decoded by another worker. */
  | { type: 'offload'; request: DecodeChunkRequest }
  /** A `decode` is done: its frames are written, or it failed with `error`. */
  | { type: 'decoded'; id: string; error?: string };

/** How often a worker reports its memory; also how stale the memory in a crash message can be. */
export const HEARTBEAT_MS = 1000;
