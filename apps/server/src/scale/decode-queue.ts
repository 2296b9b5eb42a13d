import { Logger } from '@nestjs/common';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerInfo } from '../runs/run-scheduler.js';
import type { DecodeAnswer, DecodeChunkRequest } from '../worker/protocol.js';
import { leaveToPreferred, type Preference } from './affinity.js';
import { jobHolds } from './job-holds.js';
import { REDIS_NAMES, redisClient } from './redis.js';
import { WorkerDirectory } from './worker-directory.js';

/** A decode chunk as the queue holds it, meant first for the free worker its sender picked. */
interface DecodeJob {
  request: DecodeChunkRequest;
  prefer: Preference;
  /** The worker whose run it is. */
  from: string;
}

/** What a decode job returns: who decoded it. */
interface DecodeResult {
  worker: string;
}

/** How long other workers leave a chunk to the free worker it was sent to (after that, any worker may take it). */
const PEER_WAIT_MS = 3000;
/** Finished decode jobs stay this long for their sender to read (it waits on them), then Redis forgets them. */
const KEEP_FINISHED_S = 300;

export interface DecodeQueueOptions {
  /** This worker's id, as its heartbeat names it. */
  id: string;
  redisUrl: string;
  lockMs: number;
  /** Decodes another worker's chunk in this worker's own process. */
  decodeHere(request: DecodeChunkRequest): Promise<void>;
}

/**
 * Decode chunks between workers (scale-out): LVCD's windows are sequential, but a finished window's decode is
 * not, so a worker started with `--offload-decode` sends each chunk to a free worker through this BullMQ queue
 * and samples on. Every `lvcd worker` takes chunks, one at a time, in its own child process; a worker that
 * dies under one leaves it stalled, and another takes it.
 */
export class DecodeQueue {
  private readonly logger = new Logger('DecodeQueue');
  private readonly connections: Redis[];
  private readonly queue: Queue<DecodeJob, DecodeResult>;
  private readonly events: QueueEvents;
  private readonly directory: WorkerDirectory;
  private consumer?: Worker<DecodeJob, DecodeResult>;

  constructor(private readonly options: DecodeQueueOptions) {
    const client = (role: string) => redisClient(options.redisUrl, `worker-${options.id}-decode-${role}`);
    this.connections = [client('queue'), client('events'), client('consumer'), client('control')];
    const [queue, events, , control] = this.connections as [Redis, Redis, Redis, Redis];
    this.queue = new Queue<DecodeJob, DecodeResult>(REDIS_NAMES.decodeQueue, { connection: queue });
    this.events = new QueueEvents(REDIS_NAMES.decodeQueue, { connection: events });
    this.directory = new WorkerDirectory(control);
  }

  async start(): Promise<void> {
    const [, , consumer, control] = this.connections as [Redis, Redis, Redis, Redis];
    await this.events.waitUntilReady();
    this.consumer = new Worker<DecodeJob, DecodeResult>(
      REDIS_NAMES.decodeQueue,
      async (job: Job<DecodeJob, DecodeResult>, token?: string) => {
        const { prefer, from } = job.data;
        // Its own chunk is the sender's only while the worker it went to is gone: otherwise it would decode it
        // between its own steps, which is what sending it away avoids.
        await leaveToPreferred(job, token, from === this.options.id ? { ...prefer, until: Infinity } : prefer, this.options.id, control);
        await this.options.decodeHere(job.data.request);
        return { worker: this.options.id };
      },
      { connection: consumer, concurrency: 1, ...jobHolds(this.options.lockMs) },
    );
    this.consumer.on('error', (e) => this.logger.warn(`decode queue: ${e.message}`));
  }

  /**
   * Has another worker decode the chunk: a free one (no run of its own, the chunk's provider), preferably with the
   * bundle open. Answers `local` when there is none or the decode failed there: the asker then decodes it itself.
   */
  async offload(request: DecodeChunkRequest): Promise<DecodeAnswer> {
    const peer = freePeer(await this.directory.refresh(), this.options.id, request);
    if (!peer) return { kind: 'local', why: 'no other worker is free' };
    try {
      const job = await this.queue.add('decode', { request, from: this.options.id, prefer: { worker: peer.id, until: Date.now() + PEER_WAIT_MS } }, { jobId: request.id, removeOnComplete: { age: KEEP_FINISHED_S }, removeOnFail: { age: KEEP_FINISHED_S } });
      const result = (await job.waitUntilFinished(this.events)) as DecodeResult;
      return { kind: 'decoded', worker: result.worker, elsewhere: result.worker !== this.options.id };
    } catch (e) {
      this.logger.warn(`chunk ${request.id} of run ${request.runId} did not decode on another worker (${(e as Error).message}); decoding it here`);
      return { kind: 'local', why: `decoding on another worker failed: ${(e as Error).message}` };
    }
  }

  /** Stops taking chunks: `handOver` leaves the one it is decoding to another worker instead of finishing it. */
  async stop(handOver: boolean): Promise<void> {
    this.directory.stop();
    await this.consumer?.close(handOver);
    await this.events.close();
    await this.queue.close();
    await Promise.all(this.connections.map((c) => c.quit().catch(() => undefined)));
  }
}

/** A worker other than `me` with no run of its own that can run the chunk's provider; one with the bundle open first. */
export function freePeer(workers: readonly WorkerInfo[], me: string, request: DecodeChunkRequest): WorkerInfo | undefined {
  const free = workers.filter((w) => w.id !== me && w.state === 'ready' && w.running.length === 0 && (request.provider === 'cpu' || w.provider === 'cuda'));
  return free.find((w) => w.bundles.includes(request.bundle.contentHash)) ?? free[0];
}
