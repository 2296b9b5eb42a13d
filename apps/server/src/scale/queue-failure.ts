import type { RunAttempt } from '@lvcd/nodes';

/**
 * BullMQ's reason when a job's hold lapsed more often than its workers' `maxStalledCount` allows: each time,
 * the worker running it died (SIGKILL, out of memory, a lost machine) without finishing or letting go.
 */
const STALL_LIMIT_REASON = 'job stalled more than allowable limit';

/**
 * What the user reads when the queue fails a run that no worker recorded, in the studio's terms: a run lost
 * by worker after worker says so, who they were and what to look at, rather than the queue's own wording.
 */
export function queueFailureMessage(reason: string, attempts: readonly RunAttempt[]): string {
  if (reason !== STALL_LIMIT_REASON) return `the queue gave up on the run: ${reason}`;
  const takers = attempts.length > 0 ? `the ${attempts.length} workers that took it in turn (${attempts.map((a) => a.worker).join(', ')})` : 'the workers that took it in turn';
  return (
    `the run was lost by worker after worker: ${takers} each stopped in the middle of it, so it will not be retried. ` +
    "Check those workers' logs, and whether their machines ran out of memory (the kernel then kills a worker without a word in its log; `dmesg` says so); " +
    'queue the run again once the cause is fixed.'
  );
}
