import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';

/** Names in Redis that every API instance and worker agree on. */
export const REDIS_NAMES = {
  /** The BullMQ queue of runs. */
  queue: 'lvcd-runs',
  /** The BullMQ queue of decode chunks that workers hand each other (`lvcd worker --offload-decode`). */
  decodeQueue: 'lvcd-decode',
  /** Pub/sub: every run event, for the API instances to push to their browsers. */
  events: 'lvcd:events',
  /** Pub/sub: run ids to stop, for the worker that owns each. */
  cancel: 'lvcd:cancel',
  /** One key per live worker: its heartbeat, expiring when the worker stops renewing it. */
  worker: (id: string) => `lvcd:worker:${id}`,
  workerPattern: 'lvcd:worker:*',
} as const;

/**
 * A Redis client for BullMQ and pub/sub. Commands wait through a reconnect instead of failing
 * (`maxRetriesPerRequest: null`, which BullMQ requires), so a Redis restart delays work rather than losing
 * it. BullMQ under native ESM cannot build its own client from options, so every client is made here.
 */
export function redisClient(url: string, role: string): Redis {
  const logger = new Logger(`Redis(${role})`);
  const client = new Redis(url, { maxRetriesPerRequest: null, connectionName: `lvcd-${role}`, retryStrategy: (times) => Math.min(times * 200, 2000) });
  // One line per outage, not one per retry.
  let down = false;
  client.on('error', (e: Error) => {
    if (!down) logger.warn(`${e.message}; retrying`);
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.log('connected again');
    down = false;
  });
  return client;
}
