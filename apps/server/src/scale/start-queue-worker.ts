import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ServerConfig } from '../config/config.js';
import { dataPaths } from '../config/data-paths.js';
import { RunEventsBus } from '../runs/run-events.js';
import { RunRecorder } from '../runs/run-recorder.service.js';
import { runtimeSettings } from '../runtime/runtime.js';
import { createBuiltinRegistry } from '@lvcd/nodes/catalogue';
import { workerEntry } from '../worker/entry.js';
import type { DecodeAnswer } from '../worker/protocol.js';
import { WorkerSupervisor } from '../worker/worker-supervisor.js';
import { DecodeQueue } from './decode-queue.js';
import { QueueWorker } from './queue-worker.js';
import { redisClient } from './redis.js';
import { RedisEventsRelay } from './redis-events-relay.js';
import { WorkerAppModule } from './worker-app.module.js';

export interface QueueWorkerFlags {
  concurrency: number;
  gpu?: number;
  /** Defaults to `<host>-<random>`, unique per process. */
  id?: string;
  /** LVCD Colorize sends its decode chunks to free workers while it samples on (every worker takes such chunks). */
  offloadDecode?: boolean;
}

/** Starts an `lvcd worker`: its recording services, its child process, its queue consumer. Resolves with a stop function. */
export async function startQueueWorker(config: ServerConfig, flags: QueueWorkerFlags): Promise<{ worker: QueueWorker; stop(handOver: boolean): Promise<void> }> {
  const redisUrl = config.redisUrl;
  if (!redisUrl) throw new Error('lvcd worker takes runs from the queue in Redis: set LVCD_REDIS_URL (and LVCD_DATABASE_URL and LVCD_DATA_DIR as the API servers have them)');
  const id = flags.id ?? `${hostname()}-${randomBytes(3).toString('hex')}`;
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(config), { logger: ['log', 'warn', 'error'] });
  const publisher = redisClient(redisUrl, `worker-${id}-events`);
  const relay = new RedisEventsRelay(publisher, null, dataPaths(config.dataDir).relay);
  await app.get(RunEventsBus).useRelay(relay, false);
  const registry = createBuiltinRegistry();
  // Each needs the other: chunks from the queue decode in the supervised child; the child's chunks go to the queue.
  const decodes: DecodeQueue = new DecodeQueue({ id, redisUrl, lockMs: config.queueLockMs, decodeHere: (request): Promise<void> => executor.decode(request) });
  const executor: WorkerSupervisor = new WorkerSupervisor({
    entry: workerEntry(),
    settings: { ...runtimeSettings(config), ...(flags.offloadDecode ? { offloadDecode: true } : {}) },
    concurrency: flags.concurrency,
    cancelGraceMs: config.cancelGraceMs,
    idPrefix: id,
    ...(flags.gpu !== undefined ? { gpu: flags.gpu } : {}),
    titleOf: (type) => registry.get(type)?.title ?? type,
    ...(flags.offloadDecode ? { onOffload: (request): Promise<DecodeAnswer> => decodes.offload(request) } : {}),
  });
  // A worker takes runs only once its child can run them: before that, API instances see no ready worker and
  // would refuse the very runs this one is about to take.
  executor.start();
  if (!(await executor.ready())) {
    await executor.shutdown();
    await decodes.stop(false);
    await relay.close();
    await publisher.quit().catch(() => undefined);
    await app.close();
    throw new Error('the worker process stopped while starting (its log above says why)');
  }
  const recorder = app.get(RunRecorder);
  const worker = new QueueWorker({
    id,
    redisUrl,
    concurrency: flags.concurrency,
    lockMs: config.queueLockMs,
    executor,
    recorder,
    decodeDir: dataPaths(config.dataDir).decode,
    ...(flags.gpu !== undefined ? { gpu: flags.gpu } : {}),
  });
  await worker.start();
  await decodes.start();
  return {
    worker,
    async stop(handOver) {
      if (!handOver) recorder.markStopping();
      // Chunks first: the child process that decodes them stops with the worker.
      await decodes.stop(handOver);
      await worker.stop(handOver);
      await relay.close();
      await publisher.quit().catch(() => undefined);
      await app.close();
    },
  };
}
