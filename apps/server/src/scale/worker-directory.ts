import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { WorkerInfo } from '../runs/run-scheduler.js';
import { REDIS_NAMES } from './redis.js';

/** How often workers renew their heartbeat, and API instances re-read them. */
export const HEARTBEAT_INTERVAL_MS = 1000;
/** A worker whose heartbeat is older than this is gone (killed, or cut off from Redis). */
export const HEARTBEAT_TTL_MS = 5000;

/** A worker's side: renews its heartbeat key with what it advertises, until stopped. */
export class WorkerHeartbeat {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly id: string,
    private readonly describe: () => WorkerInfo,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), HEARTBEAT_INTERVAL_MS);
  }

  /** Stops and deletes the key, so API instances forget this worker at once rather than after the TTL. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(REDIS_NAMES.worker(this.id)).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const info: WorkerInfo = { ...this.describe(), lastSeen: new Date().toISOString() };
    await this.redis.set(REDIS_NAMES.worker(this.id), JSON.stringify(info), 'PX', HEARTBEAT_TTL_MS);
  }
}

/** An API instance's side: the live workers, as their unexpired heartbeats say, re-read every interval. */
export class WorkerDirectory {
  private readonly logger = new Logger('WorkerDirectory');
  private known: WorkerInfo[] = [];
  private timer?: NodeJS.Timeout;
  private failing = false;

  constructor(private readonly redis: Redis) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** As of the last read (at most an interval old). */
  list(): WorkerInfo[] {
    return this.known;
  }

  /** Reads the heartbeats now. */
  async refresh(): Promise<WorkerInfo[]> {
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await this.redis.scan(cursor, 'MATCH', REDIS_NAMES.workerPattern, 'COUNT', 200);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      const values = keys.length ? await this.redis.mget(...keys) : [];
      this.known = values.flatMap((v) => (v ? [JSON.parse(v) as WorkerInfo] : [])).sort((a, b) => a.id.localeCompare(b.id));
      this.failing = false;
    } catch (e) {
      // Redis down: keep the last picture; workers reappear when it is back.
      if (!this.failing) this.logger.warn(`cannot read worker heartbeats: ${String(e)}`);
      this.failing = true;
    }
    return this.known;
  }
}
