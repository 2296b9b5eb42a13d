import { modelFingerprints, plannedModelLoaders } from '@lvcd/nodes/runtime';
import type { ServerConfig } from '../config/config.js';
import { dataPaths } from '../config/data-paths.js';
import type { RunEventsBus } from '../runs/run-events.js';
import type { RunRecorder } from '../runs/run-recorder.service.js';
import type { RunScheduler } from '../runs/run-scheduler.js';
import type { Runtime } from '../runtime/runtime.js';
import { queueFailureMessage } from './queue-failure.js';
import { QueueRunScheduler } from './queue-run-scheduler.js';
import { redisClient } from './redis.js';
import { RedisEventsRelay } from './redis-events-relay.js';
import { WorkerDirectory } from './worker-directory.js';

/**
 * An API instance in scale-out mode: its scheduler is the shared queue, and its event bus hears every worker
 * and every other instance through Redis. Owns its Redis connections and closes them on shutdown.
 */
export async function createQueueScheduler(config: ServerConfig & { redisUrl: string }, runtime: Runtime, bus: RunEventsBus, recorder: RunRecorder): Promise<RunScheduler> {
  const url = config.redisUrl;
  const clients = {
    queue: redisClient(url, 'api-queue'),
    events: redisClient(url, 'api-queue-events'),
    publisher: redisClient(url, 'api-publish'),
    subscriber: redisClient(url, 'api-subscribe'),
  };
  const relay = new RedisEventsRelay(clients.publisher, clients.subscriber, dataPaths(config.dataDir).relay);
  await bus.useRelay(relay, true);
  const scheduler = new QueueRunScheduler({
    queueConnection: clients.queue,
    eventsConnection: clients.events,
    publisher: clients.publisher,
    onJobFailed: (runId, reason) => recorder.abandoned(runId, (attempts) => queueFailureMessage(reason, attempts)),
    directory: new WorkerDirectory(clients.publisher),
    modelsOf: (plan) => modelFingerprints(plan, runtime),
    providersOf: (plan) => plannedModelLoaders(plan, runtime.registry).flatMap(({ params }) => (typeof params.provider === 'string' ? [params.provider] : [])),
    async closeConnections() {
      await relay.close();
      await Promise.all(Object.values(clients).map((c) => c.quit().catch(() => undefined)));
    },
  });
  return scheduler;
}
