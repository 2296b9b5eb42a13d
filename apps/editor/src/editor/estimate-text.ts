// The words of a node's estimate badge: "≈ 2.4 GB · ≈ 3 min" before a run, the time left while it runs.
import type { NodeCostEstimate } from '../api/plan-types';

const GB = 2 ** 30;
const MB = 2 ** 20;

export function memoryText(bytes: number): string {
  return bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / MB))} MB`;
}

export function durationText(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function estimateText(e: NodeCostEstimate): string {
  return `≈ ${memoryText(e.peakBytes)} · ≈ ${durationText(e.seconds)}`;
}

/** The time left that the running node's progress text carries ("…, about 3 min left"), if it does. */
export function remainingFromProgress(text: string | undefined): string | undefined {
  return text?.match(/about [^,]+ left/)?.[0];
}
