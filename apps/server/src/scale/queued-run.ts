import type { RunJob } from '../runs/run-scheduler.js';
import type { Preference } from './affinity.js';

/** A run as the queue holds it: the job, and the worker it should go to first when one has its models open. */
export interface QueuedRun {
  job: RunJob;
  /** Model affinity: other workers leave the run to `worker` until `until` (ms since the epoch). */
  prefer?: Preference;
}

/** BullMQ's job name for runs (one kind of job in the queue). */
export const RUN_JOB_NAME = 'run';
