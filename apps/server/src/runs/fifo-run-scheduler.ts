import { Logger } from '@nestjs/common';
import type { RunExecutor } from './run-executor.js';
import type { CancelOutcome, RunJob, RunScheduler, RunUpdateSink, WorkerInfo } from './run-scheduler.js';

/** The embedded scheduler: first in, first out, at most `concurrency` runs at once, on this server's executor. */
export class FifoRunScheduler implements RunScheduler {
  private readonly queue: RunJob[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly logger = new Logger('RunScheduler');
  private stopped = false;

  constructor(
    private readonly concurrency: number,
    private readonly executor: RunExecutor,
    private readonly sink: RunUpdateSink,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a whole number >= 1, not ${concurrency}`);
  }

  start(): void {
    this.executor.start();
  }

  /** This server's own worker takes every run (the node's pre-flight refuses one that cannot fit). */
  async refusal(): Promise<undefined> {
    return undefined;
  }

  async enqueue(job: RunJob): Promise<number> {
    if (this.stopped) throw new Error('the scheduler is shut down');
    if (this.queue.some((j) => j.runId === job.runId) || this.running.has(job.runId)) throw new Error(`run ${job.runId} is already scheduled`);
    this.queue.push(job);
    const position = this.queue.length - 1;
    this.pump();
    return position;
  }

  async holds(runId: string): Promise<boolean> {
    return this.running.has(runId) || this.queue.some((j) => j.runId === runId);
  }

  async cancel(runId: string): Promise<CancelOutcome> {
    const index = this.queue.findIndex((j) => j.runId === runId);
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

  workers(): WorkerInfo[] {
    return this.executor.workers();
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    const active = [...this.running.values()];
    for (const a of active) a.controller.abort();
    await Promise.all(active.map((a) => a.done));
    await this.executor.shutdown();
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      const controller = new AbortController();
      // The sink records every failure on the run; a throw here is a bug, logged so the queue keeps going.
      const done = this.run(job, controller.signal)
        .catch((e: unknown) => this.logger.error(`run ${job.runId}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`))
        .finally(() => {
          this.running.delete(job.runId);
          this.pump();
        });
      this.running.set(job.runId, { controller, done });
    }
  }

  private async run(job: RunJob, signal: AbortSignal): Promise<void> {
    if (!(await this.sink.claim(job.runId))) return; // cancelled or removed while it waited
    const outcome = await this.executor.execute(job, signal, {
      started: (worker) => this.sink.started(job.runId, worker),
      event: (event) => this.sink.event(job.runId, event),
    });
    try {
      await this.sink.ended(job.runId, outcome, signal.aborted);
    } finally {
      this.executor.release(job.runId);
    }
  }
}
