// What the compare view says when a side has nothing to compare: which side, and what it lacks, rather than
// blank pictures and a note that waits for runs that will never give frames.
import { ApiError } from '../api/client';
import type { SideState } from './useCompare';

/** The error a side shows when its run cannot be loaded: a missing run is said to be missing, not waited for. */
export function loadError(runId: string, e: unknown): string {
  if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return `Run ${runId} was not found: it was deleted, or the link names no run.`;
  return `Run ${runId} could not be loaded: ${(e as Error).message}`;
}

/** The metrics note when the pair metrics cannot be measured: which side lacks what. */
export function metricsLackNote(a: SideState, b: SideState): string {
  const parts: string[] = [];
  for (const [key, side] of [['A', a], ['B', b]] as const) {
    if (side.sequence) continue;
    if (side.error) parts.push(`${key}: ${side.error}`);
    else if (side.source?.live) parts.push(`${key} is still ${side.run?.status ?? 'running'}; they appear when it has finished.`);
    else if (side.run) parts.push(`${key} has no frame sequence.`);
  }
  return parts.length ? `No metrics. ${parts.join(' ')}` : '';
}
