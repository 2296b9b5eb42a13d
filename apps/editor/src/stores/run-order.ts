// Within one run, run and node states only move forward: queued, then running, then an end. Events and the
// subscribe snapshot reach the tab in either order (the snapshot is read while events are already on their way,
// and a run-level broadcast can beat the POST that names the run), so the further state wins, not the last to arrive.
import type { NodeStatus, RunStatus } from '../api/types';

const RUN_STEP: Record<RunStatus, number> = { queued: 0, running: 1, succeeded: 2, failed: 2, cancelled: 2, interrupted: 2 };
const NODE_STEP: Record<NodeStatus, number> = { queued: 0, running: 1, cached: 2, done: 2, bypassed: 2, failed: 2, cancelled: 2 };

/** The further of two statuses of one run; `known` when they are as far (a run ends once). */
export function furtherRunStatus(known: RunStatus | null | undefined, next: RunStatus | null | undefined): RunStatus | null {
  if (!known) return next ?? null;
  if (!next) return known;
  return RUN_STEP[next] > RUN_STEP[known] ? next : known;
}

/** Whether a node state reported as `next` is older than the `shown` one (a snapshot read before the event). */
export function isBehind(shown: NodeStatus | undefined, next: NodeStatus | undefined): boolean {
  return shown !== undefined && next !== undefined && NODE_STEP[next] < NODE_STEP[shown];
}
