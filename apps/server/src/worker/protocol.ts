import type { DeviceMemory } from '@lvcd/models';
import type { RunEvent, RunJob, RunOutcome } from '../runs/run-scheduler.js';
import type { RuntimeSettings } from '../runtime/runtime.js';

/** What the server gives a worker at fork, in the LVCD_WORKER_SETTINGS environment variable (JSON). */
export type WorkerSettings = RuntimeSettings;

export const SETTINGS_ENV = 'LVCD_WORKER_SETTINGS';

/** Server to worker. */
export type ToWorker =
  | { type: 'run'; job: RunJob }
  | { type: 'cancel'; runId: string }
  /** The server recorded the run's outcome: its cache entries may go. */
  | { type: 'release'; runId: string };

/** Worker to server; one IPC channel, so a run's events arrive in the order they happened, before its end. */
export type FromWorker =
  | { type: 'ready'; pid: number; provider: 'cpu' | 'cuda'; version: string }
  /**
   * Its memory and the host's free memory (what an OOM kill is judged by), its device's memory (the GPU's on
   * CUDA, null when nvidia-smi cannot say), and the content hashes of the model bundles it has open.
   */
  | { type: 'heartbeat'; rssBytes: number; freeMemoryBytes: number; device: DeviceMemory | null; bundles: string[] }
  | { type: 'event'; runId: string; event: RunEvent }
  | { type: 'ended'; runId: string; outcome: RunOutcome };

/** How often a worker reports its memory; also how stale the memory in a crash message can be. */
export const HEARTBEAT_MS = 1000;
