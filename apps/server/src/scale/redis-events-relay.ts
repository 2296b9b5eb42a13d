import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BusMessage, RunEventsRelay } from '../runs/run-events.js';
import { REDIS_NAMES } from './redis.js';

/** A frame message as it crosses Redis: its bytes stay in the shared data dir, the message names the file. */
type WireMessage = BusMessage | { kind: 'room'; runId: string; event: 'frame'; payload: Omit<Extract<BusMessage, { event: 'frame' }>['payload'], 'data'> & { file: string } };

const FRAME_FILE = /^[0-9a-f-]{36}\/[0-9a-f-]{36}\.frame$/;
/** How long a run's relayed frames stay after it ended: every API instance has read them long before. */
const FRAME_KEEP_MS = 60_000;

/**
 * Run events through Redis pub/sub, so every API instance pushes every run's events to its own browsers.
 * Frame previews travel through the data dir every process shares (`relay/<runId>/<id>.frame`), not through
 * Redis; the publisher removes a run's frames a minute after it ended.
 */
export class RedisEventsRelay implements RunEventsRelay {
  private readonly logger = new Logger('EventsRelay');
  private sending: Promise<void> = Promise.resolve();
  private receiving: Promise<void> = Promise.resolve();
  private readonly cleanups = new Set<NodeJS.Timeout>();

  constructor(
    private readonly publisher: Redis,
    /** A connection of its own: a subscribed Redis connection takes no other commands. */
    private readonly subscriber: Redis | null,
    private readonly framesDir: string,
  ) {}

  publish(message: BusMessage): void {
    this.sending = this.sending.then(() => this.send(message)).catch((e: unknown) => this.logger.warn(`an event of run ${runOf(message)} was not published: ${String(e)}`));
  }

  async subscribe(deliver: (message: BusMessage) => void): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber) throw new Error('this relay only publishes');
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== REDIS_NAMES.events) return;
      // One chain, so a frame being read does not let later events overtake it.
      this.receiving = this.receiving
        .then(async () => {
          const message = await this.received(JSON.parse(text) as WireMessage);
          if (message) deliver(message);
        })
        .catch((e: unknown) => this.logger.warn(`a relayed event was dropped: ${String(e)}`));
    });
    await subscriber.subscribe(REDIS_NAMES.events);
  }

  /** Waits until everything published so far is sent. */
  async flush(): Promise<void> {
    await this.sending;
  }

  async close(): Promise<void> {
    await this.flush();
    for (const t of this.cleanups) clearTimeout(t);
  }

  private async send(m: BusMessage): Promise<void> {
    let wire: WireMessage = m;
    if (m.kind === 'room' && m.event === 'frame') {
      const { data, ...rest } = m.payload;
      const file = `${m.runId}/${randomUUID()}.frame`;
      await mkdir(join(this.framesDir, m.runId), { recursive: true });
      await writeFile(join(this.framesDir, file), data instanceof Uint8Array ? data : new Uint8Array(data));
      wire = { kind: 'room', runId: m.runId, event: 'frame', payload: { ...rest, file } };
    }
    await this.publisher.publish(REDIS_NAMES.events, JSON.stringify(wire));
    if (m.kind === 'broadcast' && m.event === 'run:finished') this.removeFramesLater(m.payload.runId);
  }

  private async received(wire: WireMessage): Promise<BusMessage | undefined> {
    if (!(wire.kind === 'room' && wire.event === 'frame' && 'file' in wire.payload)) return wire as BusMessage;
    const { file, ...rest } = wire.payload;
    // The name comes from another process: only ids of our own shape, so it cannot lead out of the folder.
    if (!FRAME_FILE.test(file)) throw new Error(`"${file}" is not a relayed frame name`);
    const data = await readFile(join(this.framesDir, file)).catch(() => undefined);
    return data ? { kind: 'room', runId: wire.runId, event: 'frame', payload: { ...rest, data } } : undefined;
  }

  private removeFramesLater(runId: string): void {
    const timer = setTimeout(() => {
      this.cleanups.delete(timer);
      void rm(join(this.framesDir, runId), { recursive: true, force: true });
    }, FRAME_KEEP_MS);
    timer.unref();
    this.cleanups.add(timer);
  }
}

function runOf(m: BusMessage): string {
  return m.kind === 'room' ? m.runId : m.payload.runId;
}
