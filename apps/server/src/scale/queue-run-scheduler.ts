import { Logger } from '@nestjs/common';
import type { RunPlan } from '@lvcd/nodes';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CancelOutcome, RunJob, RunScheduler, WorkerInfo } from '../runs/run-scheduler.js';
import { RUN_JOB_NAME, type QueuedRun } from './queued-run.js';
import { REDIS_NAMES } from './redis.js';
import type { WorkerDirectory } from './worker-directory.js';

/** How long workers without the run's models leave it to the one that has them open. */
export const AFFINITY_WAIT_MS = 3000;

/** Queue states in which a run has not started, so removing the job is the whole cancel. */
const NOT_STARTED = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

export interface QueueRunSchedulerDeps {
  /** For the queue (BullMQ duplicates it where it needs a blocking connection). */
  queueConnection: Redis;
  /** For the queue's events (a blocking connection of its own). */
  eventsConnection: Redis;
  /** For cancel messages. */
  publisher: Redis;
  /**
   * The queue gave up on a run no worker will record: it stalled under more workers than allowed, or its
   * worker failed outside the run (the database unreachable). Every instance hears it; the record must settle once.
   */
  onJobFailed(runId: string, reason: string): Promise<void>;
  directory: WorkerDirectory;
  /** Content hashes of the models a run loads (its model loaders' fingerprints). */
  modelsOf(plan: RunPlan): Promise<string[]>;
  /** Where model loaders ask to run (their `provider` params), for runs only CUDA workers can take. */
  providersOf(plan: RunPlan): string[];
  /** Closes what the scheduler was given to use (the Redis connections and the events relay), after it stopped. */
  closeConnections(): Promise<void>;
}

/**
 * The API side of scale-out mode: runs go on a BullMQ queue in Redis that `lvcd worker` processes consume,
 * anywhere they reach the same Redis, database and data dir. The workers record runs themselves, so this
 * side only enqueues, cancels and reports what the queue and the workers' heartbeats say.
 */
export class QueueRunScheduler implements RunScheduler {
  private readonly logger = new Logger('RunQueue');
  private readonly queue: Queue<QueuedRun>;
  private readonly events: QueueEvents;
  private counts = { running: 0, queued: 0 };
  private timer?: NodeJS.Timeout;

  constructor(private readonly deps: QueueRunSchedulerDeps) {
    this.queue = new Queue<QueuedRun>(REDIS_NAMES.queue, { connection: deps.queueConnection });
    this.queue.on('error', (e) => this.logger.warn(`queue: ${e.message}`));
    this.events = new QueueEvents(REDIS_NAMES.queue, { connection: deps.eventsConnection });
    this.events.on('error', (e) => this.logger.warn(`queue events: ${e.message}`));
    this.events.on('failed', ({ jobId, failedReason }) => {
      void deps.onJobFailed(jobId, failedReason).catch((e: unknown) => this.logger.warn(`run ${jobId}: its failure was not recorded: ${String(e)}`));
    });
  }

  start(): void {
    void this.deps.directory.start();
    const refresh = () =>
      void this.queue
        .getJobCounts('active', 'waiting', 'delayed', 'prioritized')
        .then((c) => (this.counts = { running: c.active ?? 0, queued: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) }))
        .catch(() => undefined);
    refresh();
    this.timer = setInterval(refresh, 1000);
    this.timer.unref();
  }

  async refusal(job: RunJob): Promise<string | undefined> {
    const workers = (await this.deps.directory.refresh()).filter((w) => w.state === 'ready');
    if (workers.length === 0) return 'no worker is taking runs: start one with `lvcd worker`, pointed at the same Redis (LVCD_REDIS_URL), database and data dir as this server';
    if (this.deps.providersOf(job.plan).includes('cuda') && !workers.some((w) => w.provider === 'cuda')) {
      return `the workflow asks for CUDA, and none of the ${workers.length} worker(s) runs on a GPU (${workers.map((w) => `${w.id}: ${w.provider ?? 'starting'}`).join(', ')}): set the model bundle's "Run on" to auto or cpu, or start \`lvcd worker --gpu 0\` on a GPU machine`;
    }
    return undefined;
  }

  async enqueue(job: RunJob): Promise<number> {
    const prefer = await this.preferredWorker(job.plan);
    const data: QueuedRun = { job, ...(prefer ? { prefer: { worker: prefer, until: Date.now() + AFFINITY_WAIT_MS } } : {}) };
    // The run id is the job id: adding a run twice (two API instances re-queueing after a restart) adds it once.
    await this.queue.add(RUN_JOB_NAME, data, { jobId: job.runId, removeOnComplete: true, removeOnFail: true });
    return Math.max(0, (await this.queue.getWaitingCount()) - 1);
  }

  async holds(runId: string): Promise<boolean> {
    return (await this.queue.getJob(runId)) !== undefined;
  }

  async cancel(runId: string): Promise<CancelOutcome> {
    const job = await this.queue.getJob(runId);
    if (!job) return 'unknown';
    if (NOT_STARTED.has(await job.getState())) {
      try {
        await job.remove();
        return 'dequeued';
      } catch {
        // Locked: a worker took it in between, so it is running now.
      }
    }
    // Whichever worker owns it stops it at its next step (or is killed after the grace period).
    await this.deps.publisher.publish(REDIS_NAMES.cancel, runId);
    return 'aborted';
  }

  status(): { running: number; queued: number } {
    return this.counts;
  }

  workers(): WorkerInfo[] {
    return this.deps.directory.list();
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    this.deps.directory.stop();
    await this.events.close();
    await this.queue.close();
    await this.deps.closeConnections();
  }

  /** The least busy worker with a free slot that already has one of the run's models open. */
  private async preferredWorker(plan: RunPlan): Promise<string | undefined> {
    const needed = await this.deps.modelsOf(plan);
    if (needed.length === 0) return undefined;
    const candidates = this.deps.directory
      .list()
      .filter((w) => w.state === 'ready' && w.running.length < w.concurrency && w.bundles.some((b) => needed.includes(b)))
      .sort((a, b) => a.running.length / a.concurrency - b.running.length / b.concurrency);
    return candidates[0]?.id;
  }
}
