// One worker as the Workers panel shows it: what it runs on, its memory as a bar, and whether it is still heard from.
import type { WorkerView } from '@lvcd/nodes';

/** A worker unheard for longer than this is shown stale: heartbeats come every second, and after 5 s it is gone. */
export const STALE_AFTER_MS = 3000;

export interface WorkerRow {
  worker: WorkerView;
  /** "CUDA · GPU 0", "CUDA", "CPU", or "starting" before it said. */
  device: string;
  /** Used share of the device memory, 0..1; null when the worker did not report it. */
  usedFraction: number | null;
  /** "3.1 GB used of 8.0 GB · 4.9 GB free", or what is known of it. */
  memory: string;
  /** Seconds since its last heartbeat, as of the last read; null before its first. */
  ageS: number | null;
  /** Unheard for over STALE_AFTER_MS (on this browser's clock): stopped, stuck, or cut off. */
  stale: boolean;
  /** "just now", "4 s ago", "never". */
  seen: string;
}

export function describeWorker(worker: WorkerView, now: number): WorkerRow {
  const total = worker.deviceMemoryBytes;
  const free = worker.freeMemoryBytes;
  const usedFraction = total && free !== null ? clamp01((total - free) / total) : null;
  const seenAt = worker.lastSeen ? Date.parse(worker.lastSeen) : NaN;
  const ageMs = Number.isNaN(seenAt) ? null : Math.max(0, now - seenAt);
  return {
    worker,
    device: deviceOf(worker),
    usedFraction,
    memory: memoryOf(total, free),
    ageS: ageMs === null ? null : Math.floor(ageMs / 1000),
    stale: ageMs !== null && ageMs > STALE_AFTER_MS,
    seen: ageMs === null ? 'never' : ageMs < 1000 ? 'just now' : `${Math.floor(ageMs / 1000)} s ago`,
  };
}

function deviceOf(w: WorkerView): string {
  if (!w.provider) return w.state === 'starting' ? 'starting' : 'unknown device';
  const name = w.provider === 'cuda' ? 'CUDA' : 'CPU';
  return w.gpu === null ? name : `${name} · GPU ${w.gpu}`;
}

function memoryOf(total: number | null, free: number | null): string {
  if (total === null) return free === null ? 'memory not reported' : `${formatBytes(free)} free`;
  if (free === null) return `${formatBytes(total)} in all`;
  return `${formatBytes(Math.max(0, total - free))} used of ${formatBytes(total)} · ${formatBytes(free)} free`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
