import type { Runtime } from '../runtime/runtime.js';
import { executeJob } from '../worker/execute-job.js';
import type { RunExecutor, RunReport } from './run-executor.js';
import type { RunJob, RunOutcome, WorkerInfo } from './run-scheduler.js';

/**
 * Runs on the API's own event loop (LVCD_RUNS_IN=server): the worker's code path without the process, to
 * measure what the worker buys and to debug a node in one process. Model work then stalls every request.
 */
export class InServerExecutor implements RunExecutor {
  /** Runs executing or not yet recorded; the cache is pruned only when there are none. */
  private readonly unreleased = new Set<string>();

  constructor(private readonly runtime: Runtime) {}

  start(): void {}

  execute(job: RunJob, signal: AbortSignal, report: RunReport): Promise<RunOutcome> {
    this.unreleased.add(job.runId);
    report.started({ id: 'server', pid: process.pid });
    return executeJob(job, this.runtime, signal, (e) => report.event(e), (data) => ({ data }));
  }

  release(runId: string): void {
    this.unreleased.delete(runId);
    if (this.unreleased.size === 0) void this.runtime.cache.prune().catch(() => undefined);
  }

  workers(): WorkerInfo[] {
    return [];
  }

  async shutdown(): Promise<void> {}
}
