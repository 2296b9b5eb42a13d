import type { RunPlan, WorkerView } from '@lvcd/nodes';
import type { ExecutionEvent, ExecutionResult } from '@lvcd/nodes/runtime';
import type { RunError } from './run-views.js';

/** Everything a worker needs to execute a run: its plan, checked when it was queued (a queue carries it as job data). */
export interface RunJob {
  runId: string;
  plan: RunPlan;
}

/**
 * A frame preview as it crosses from a worker to the API: small ones inline, larger ones as a file the
 * worker spooled into the data dir (`spooled` is its name inside the spool folder), so big payloads never
 * travel through IPC or a queue.
 */
export type FramePayload = { data: Uint8Array } | { spooled: string };

type FrameEvent = Extract<ExecutionEvent, { type: 'frame' }>;

/** An executor event as a worker reports it: the same events, with the frame bytes as a payload. */
export type RunEvent = Exclude<ExecutionEvent, { type: 'frame' }> | (Omit<FrameEvent, 'data'> & { payload: FramePayload });

/** How a run ended, as its worker, or the loss of its worker, tells it. */
export type RunOutcome =
  /** The executor returned: succeeded, failed in a node, or stopped by a cancel. */
  | { kind: 'result'; result: ExecutionResult }
  /** The executor threw outside any node (a bug, or the cache's disk failing). */
  | { kind: 'error'; error: RunError }
  /** The worker stopped under the run (killed, out of memory, crashed, killed after a cancel it ignored). */
  | { kind: 'lost'; error: RunError };

/** Which worker process took a run. */
export interface WorkerRef {
  id: string;
  pid: number;
}

/** What a worker advertises, so runs can be placed on one that can take them. */
export type WorkerInfo = WorkerView;

/**
 * Receives what the scheduler's workers report, in order per run: the API side persists it and pushes it
 * to browsers. A local scheduler calls it from worker IPC; a queue-backed one from its queue's events.
 */
export interface RunUpdateSink {
  /**
   * Marks a queued run as taken; false when it is no longer queued, and then it must not run. With `takeover`,
   * a run still marked running is taken too: its worker died and the queue gave it to another.
   */
  claim(runId: string, takeover?: boolean): Promise<boolean>;
  started(runId: string, worker: WorkerRef): void;
  event(runId: string, event: RunEvent): void;
  /** Resolves once the outcome is recorded; only then may the worker drop the cache files the run used. */
  ended(runId: string, outcome: RunOutcome, cancelled: boolean): Promise<void>;
}

export type CancelOutcome = 'dequeued' | 'aborted' | 'unknown';

/**
 * Decides where and when queued runs execute, and reports their progress to its RunUpdateSink. The local
 * implementation is a FIFO feeding a worker process this server starts; a queue shared by many API
 * processes and workers (BullMQ on Redis) implements the same contract.
 */
export interface RunScheduler {
  /** Starts the workers (or the queue consumers); runs enqueued before wait for it. */
  start(): void;
  /** Why no worker could take this run (it is then refused before it is stored), or undefined when one can. */
  refusal(job: RunJob): Promise<string | undefined>;
  /** Adds a run at the back of the queue; resolves with how many queued runs are ahead of it. */
  enqueue(job: RunJob): Promise<number>;
  /** Whether the run is queued or executing here (or, for a shared queue, anywhere). */
  holds(runId: string): Promise<boolean>;
  /** Removes a queued run, or tells the worker running it to stop (it then ends as cancelled). */
  cancel(runId: string): Promise<CancelOutcome>;
  status(): { running: number; queued: number };
  workers(): WorkerInfo[];
  /** Stops what runs, drops the queue and the workers, and resolves once every run has been recorded. */
  shutdown(): Promise<void>;
}

/** Injection token of the RunScheduler. */
export const RUN_SCHEDULER = Symbol('RunScheduler');
