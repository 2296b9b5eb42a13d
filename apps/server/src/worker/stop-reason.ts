/** What is known when a worker process ends under a run. */
export interface StopFacts {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the server killed it, when the server did. */
  killedBecause?: string;
  /** The end of what it wrote to stderr (V8 says so there when its heap is full). */
  stderrTail: string;
  /** Where the run was, in words: "while running node colorize (LVCD Colorize)". */
  where: string;
  /** Its last heartbeat, with the machine's memory then. */
  memory?: { rssBytes: number; freeMemoryBytes: number; totalMemoryBytes: number };
}

const GIB = 1024 ** 3;
const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;

/**
 * The run's error when its worker stopped: what stopped it and in which node. A SIGKILL nobody here sent,
 * while the machine was nearly out of memory, is the kernel's OOM killer (its log is not readable from here).
 */
export function describeStop(f: StopFacts): string {
  const { where } = f;
  if (f.killedBecause) return `the worker stopped: ${f.killedBecause}, ${where}`;
  if (/heap out of memory|Allocation failed/i.test(f.stderrTail)) return `the worker stopped: out of memory ${where} (its JavaScript heap was full)`;
  if (f.signal === 'SIGKILL' && f.memory && nearlyOutOfMemory(f.memory)) {
    const m = f.memory;
    return `the worker stopped: out of memory ${where} (killed by SIGKILL with ${gib(m.freeMemoryBytes)} of ${gib(m.totalMemoryBytes)} free at its last report; it used ${gib(m.rssBytes)})`;
  }
  if (f.signal) return `the worker stopped: killed by ${f.signal} ${where}`;
  const last = f.stderrTail.trim().split('\n').at(-1);
  return `the worker stopped: exited with code ${f.code} ${where}${last ? ` (${last.slice(0, 300)})` : ''}`;
}

function nearlyOutOfMemory(m: NonNullable<StopFacts['memory']>): boolean {
  return m.freeMemoryBytes < Math.max(512 * 1024 ** 2, 0.05 * m.totalMemoryBytes);
}
