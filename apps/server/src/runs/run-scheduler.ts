/** Runs one run to its end; the signal aborts when the run is cancelled or the server stops. */
export type RunWorker = (runId: string, signal: AbortSignal) => Promise<void>;

export type CancelOutcome = 'dequeued' | 'aborted' | 'unknown';

/**
 * Decides when queued runs execute. Behind an interface so a multi-process or GPU-aware scheduler can
 * replace the in-process FIFO without touching the runs service.
 */
export interface RunScheduler {
  /** Adds a run at the back of the queue; returns how many queued runs are ahead of it. */
  enqueue(runId: string): number;
  /** Removes a queued run, or aborts a running one (its worker then ends it as cancelled). */
  cancel(runId: string): CancelOutcome;
  status(): { running: number; queued: number };
  /** Aborts everything running, drops the queue and resolves once every worker has returned. */
  shutdown(): Promise<void>;
}

/** Injection token of the RunScheduler. */
export const RUN_SCHEDULER = Symbol('RunScheduler');
