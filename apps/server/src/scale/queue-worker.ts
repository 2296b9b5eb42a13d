import { Logger } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { RunExecutor } from '../runs/run-executor.js';
import type { RunUpdateSink, WorkerInfo } from '../runs/run-scheduler.js';
import { SERVER_VERSION } from '../version.js';
import { runDecodeDir } from '../worker/decode-offload.js';
import type { QueuedRun } from './queued-run.js';
import { REDIS_NAMES, redisClient } from './redis.js';
import { leaveToPreferred } from './affinity.js';
import { jobHolds } from './job-holds.js';
import { WorkerHeartbeat } from './worker-directory.js';

export interface QueueWorkerOptions {
  id: string;
  redisUrl: string;
  /** Runs taken at once. */
  concurrency: number;
  /** How long its hold on a run lasts unrenewed: a worker silent this long is dead, and its runs go to another. */
  lockMs: number;
  gpu?: number;
  /** Executes the runs (the worker's own child process, restarted when it dies). */
  executor: RunExecutor;
  /** Records them (database, artefacts, events to every API instance). */
  recorder: RunUpdateSink;
  /** The data dir's folder of decode chunks crossing between workers: a run's go once it is recorded. */
  decodeDir: string;
}

/**
 * One `lvcd worker`: takes runs from the BullMQ queue, executes them in its child process and records them.
 * BullMQ renews its hold on each run while this process lives; when it dies (SIGKILL, a lost machine), the
 * hold expires, another worker's stalled-job check puts the run back, and that worker resumes it (the LVCD
 * nodes continue from their last finished window). A run whose models another worker has open waits briefly
 * for that worker (model affinity).
 */
export class QueueWorker {
  private readonly logger = new Logger('QueueWorker');
  private readonly connection: Redis;
  private readonly control: Redis;
  private readonly cancels: Redis;
  private worker?: Worker<QueuedRun>;
  private heartbeat?: WorkerHeartbeat;
  private readonly running = new Map<string, AbortController>();
  /** Set when this worker stops: its runs are left to the queue, for another worker to resume, not recorded as ended. */
  private leaving = false;

  constructor(private readonly options: QueueWorkerOptions) {
    this.connection = redisClient(options.redisUrl, `worker-${options.id}`);
    this.control = redisClient(options.redisUrl, `worker-${options.id}-control`);
    this.cancels = redisClient(options.redisUrl, `worker-${options.id}-cancels`);
  }

  async start(): Promise<void> {
    const { options } = this;
    options.executor.start();
    this.cancels.on('message', (_channel: string, runId: string) => this.running.get(runId)?.abort());
    await this.cancels.subscribe(REDIS_NAMES.cancel);
    this.heartbeat = new WorkerHeartbeat(this.control, options.id, () => this.describe());
    await this.heartbeat.start();
    this.worker = new Worker<QueuedRun>(REDIS_NAMES.queue, (job, token) => this.process(job, token), {
      connection: this.connection,
      concurrency: options.concurrency,
      // A run may be handed over MAX_HANDOVERS times (workers lost under it) before the queue gives up on it.
      ...jobHolds(options.lockMs),
    });
    this.worker.on('error', (e) => this.logger.warn(`queue: ${e.message}`));
    this.worker.on('failed', (job, e) => job && this.logger.warn(`run ${job.id} left the queue: ${e.message}`));
  }

  /** What this worker advertises: its child's provider, memory and open bundles, its own identity and runs. */
  describe(): WorkerInfo {
    const child = this.options.executor.workers()[0];
    return {
      id: this.options.id,
      pid: process.pid,
      state: child?.state ?? 'starting',
      host: hostname(),
      provider: child?.provider ?? null,
      gpu: this.options.gpu ?? null,
      deviceMemoryBytes: child?.deviceMemoryBytes ?? null,
      freeMemoryBytes: child?.freeMemoryBytes ?? null,
      concurrency: this.options.concurrency,
      running: [...this.running.keys()],
      bundles: child?.bundles ?? [],
      version: SERVER_VERSION,
      rssBytes: child?.rssBytes ?? null,
      lastSeen: null,
    };
  }

  /**
   * Stops taking runs. `handOver`: the runs it has are left to the queue (another worker resumes them once
   * this one's hold lapses); otherwise they are cancelled and recorded first.
   */
  async stop(handOver: boolean): Promise<void> {
    this.leaving = handOver;
    await this.heartbeat?.stop();
    if (!handOver) for (const c of this.running.values()) c.abort();
    await this.worker?.close(handOver);
    await this.options.executor.shutdown();
    await Promise.all([this.connection, this.control, this.cancels].map((c) => c.quit().catch(() => undefined)));
  }

  private async process(job: Job<QueuedRun>, token: string | undefined): Promise<void> {
    const { job: run, prefer } = job.data;
    // Another worker has this run's models open: step aside briefly.
    await leaveToPreferred(job, token, prefer, this.options.id, this.control);
    // Started before, and not by a worker that is still on it (its hold would have kept it): a takeover.
    const takeover = job.attemptsStarted > 1;
    const { recorder, executor } = this.options;
    if (!(await recorder.claim(run.runId, takeover))) return; // cancelled while it waited, or already recorded
    const controller = new AbortController();
    this.running.set(run.runId, controller);
    try {
      const outcome = await executor.execute(run, controller.signal, {
        started: (worker) => recorder.started(run.runId, { id: this.options.id, pid: worker.pid }),
        event: (event) => recorder.event(run.runId, event),
      });
      // Leaving: the run stays active in the queue, unrecorded, for another worker to take over.
      if (this.leaving) return await new Promise<never>(() => undefined);
      try {
        await recorder.ended(run.runId, outcome, controller.signal.aborted);
      } finally {
        executor.release(run.runId);
        await rm(runDecodeDir(this.options.decodeDir, run.runId), { recursive: true, force: true }).catch(() => undefined);
      }
    } finally {
      this.running.delete(run.runId);
    }
  }
}
