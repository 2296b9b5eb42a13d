import { Logger } from '@nestjs/common';
import type { CancelOutcome, RunScheduler, RunWorker } from './run-scheduler.js';

/** First in, first out, at most `concurrency` runs at once, all in this process. */
export class FifoRunScheduler implements RunScheduler {
  private readonly queue: string[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly logger = new Logger('RunScheduler');
  private stopped = false;

  constructor(
    private readonly concurrency: number,
    private readonly worker: RunWorker,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a whole number >= 1, not ${concurrency}`);
  }

  enqueue(runId: string): number {
    if (this.stopped) throw new Error('the scheduler is shut down');
    if (this.queue.includes(runId) || this.running.has(runId)) throw new Error(`run ${runId} is already scheduled`);
    this.queue.push(runId);
    const position = this.queue.length - 1;
    this.pump();
    return position;
  }

  cancel(runId: string): CancelOutcome {
    const index = this.queue.indexOf(runId);
    if (index >= 0) {
      this.queue.splice(index, 1);
      return 'dequeued';
    }
    const active = this.running.get(runId);
    if (!active) return 'unknown';
    active.controller.abort();
    return 'aborted';
  }

  status(): { running: number; queued: number } {
    return { running: this.running.size, queued: this.queue.length };
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    const active = [...this.running.values()];
    for (const a of active) a.controller.abort();
    await Promise.all(active.map((a) => a.done));
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.queue.length > 0) {
      const runId = this.queue.shift()!;
      const controller = new AbortController();
      // The worker records its own failures on the run; a throw here is a bug, logged so the queue keeps going.
      const done = this.worker(runId, controller.signal)
        .catch((e: unknown) => this.logger.error(`run ${runId}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`))
        .finally(() => {
          this.running.delete(runId);
          this.pump();
        });
      this.running.set(runId, { controller, done });
    }
  }
}
