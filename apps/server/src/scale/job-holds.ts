/** How many times a job may be handed over (its worker lost under it) before the queue fails it. */
export const MAX_HANDOVERS = 2;

/**
 * BullMQ's hold settings of every consumer (runs, decode chunks): a worker silent for `lockMs` is dead, its job
 * is found stalled by another worker's check within another `lockMs`, and goes back to the queue up to
 * MAX_HANDOVERS times.
 */
export function jobHolds(lockMs: number) {
  return { lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: MAX_HANDOVERS };
}
