import { DelayedError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { REDIS_NAMES } from './redis.js';

/** How long a worker that is not a job's preferred one leaves it for that worker, each time it finds it. */
const AFFINITY_RETRY_MS = 100;

/** A job's preferred worker (it has the job's models open, or is free) until a time, ms since the epoch. */
export interface Preference {
  worker: string;
  until: number;
}

/**
 * Steps aside from a job another live worker is preferred for, while the preference holds: the job goes back
 * for AFFINITY_RETRY_MS and this throws BullMQ's DelayedError (the processor's way of saying so). When the job is
 * back, the worker that has waited longest gets it, which is the preferred one (this one just came back).
 */
export async function leaveToPreferred(job: Job, token: string | undefined, prefer: Preference | undefined, me: string, control: Redis): Promise<void> {
  if (!prefer || prefer.worker === me || Date.now() >= prefer.until) return;
  if (!(await control.exists(REDIS_NAMES.worker(prefer.worker)))) return;
  await job.moveToDelayed(Date.now() + AFFINITY_RETRY_MS, token);
  throw new DelayedError();
}
