import type { RunEvent, RunJob, RunOutcome, WorkerInfo, WorkerRef } from './run-scheduler.js';

/** What an executor tells about one run while it executes it. */
export interface RunReport {
  started(worker: WorkerRef): void;
  event(event: RunEvent): void;
}

/**
 * Where the local scheduler's runs execute: a worker process by default, or this process. `execute` never
 * rejects: every way a run can end, its worker dying included, is a RunOutcome.
 */
export interface RunExecutor {
  start(): void;
  execute(job: RunJob, signal: AbortSignal, report: RunReport): Promise<RunOutcome>;
  /** The run's outcome is recorded: the cache entries it read or wrote may now be evicted. */
  release(runId: string): void;
  workers(): WorkerInfo[];
  /** Stops the workers; call once no run executes. */
  shutdown(): Promise<void>;
}
