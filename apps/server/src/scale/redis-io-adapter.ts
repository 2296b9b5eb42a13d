import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { redisClient } from './redis.js';

/**
 * Socket.IO with the Redis adapter, so API instances behind one address share rooms: a run posted to one
 * instance joins the browser's socket on another to the run's room, and room-wide calls reach every instance.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly clients: Redis[];

  constructor(app: INestApplicationContext, redisUrl: string) {
    super(app);
    this.clients = [redisClient(redisUrl, 'socket-pub'), redisClient(redisUrl, 'socket-sub')];
  }

  // Nest's adapter builds the server from its own copy of socket.io, so the types here are its own.
  override createIOServer(port: number, options?: Parameters<IoAdapter['createIOServer']>[1]): ReturnType<IoAdapter['createIOServer']> {
    const server = super.createIOServer(port, options) as { adapter(factory: ReturnType<typeof createAdapter>): unknown };
    const [pub, sub] = this.clients;
    server.adapter(createAdapter(pub, sub));
    return server;
  }

  override async close(server: Parameters<IoAdapter['close']>[0]): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.map((c) => c.quit().catch(() => undefined)));
  }
}
