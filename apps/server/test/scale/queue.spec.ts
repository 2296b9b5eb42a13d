import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_NAMES } from '../../src/scale/redis.js';
import { startCluster, waitForWorkers, type Cluster } from '../support/cluster.js';
import { chain, png, SLOW_CHAIN_INVERTS, slowChainImage } from '../support/fixtures.js';
import { api, connect, nextEvent, upload, waitForRun, type TestServer } from '../support/server.js';

/**
 * Scale-out mode against real servers: Redis (BullMQ) and Postgres, two API instances in this process,
 * three `lvcd worker` processes. The runs are tiny image chains: what is under test is the scheduling.
 */
let cluster: Cluster;
let a: TestServer;
let b: TestServer;
let socketB: Socket;
let fill = 0;

beforeAll(async () => {
  cluster = await startCluster({ apis: 2, workers: 3 });
  [a, b] = cluster.apis as [TestServer, TestServer];
  socketB = await connect(b);
  await waitForWorkers(cluster, 3);
}, 180_000);

afterAll(async () => {
  socketB?.close();
  await cluster?.stop();
}, 60_000);

async function asset(slow = false): Promise<string> {
  const bytes = slow ? await slowChainImage(++fill) : await png(4, 4, ++fill);
  return (await upload(a, bytes, `a${fill}.png`)).body.id as string;
}

async function queue(server: TestServer, document: unknown, socketId?: string): Promise<string> {
  const res = await api(server, 'POST', '/api/runs', { document, ...(socketId ? { socketId } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
}

describe('scale-out: BullMQ queue, two API instances, three workers', () => {
  it('lists the workers with what they advertise, on every instance', async () => {
    for (const server of [a, b]) {
      const workers = (await api(server, 'GET', '/api/workers')).body as { id: string; provider: string; concurrency: number; bundles: string[]; version: string; state: string }[];
      expect(workers.map((w) => w.id).sort()).toEqual(['w1', 'w2', 'w3']);
      for (const w of workers) expect(w).toMatchObject({ state: 'ready', provider: 'cpu', concurrency: 1, bundles: [] });
    }
  });

  it('a worker pinned to a GPU says so, and one stopped with SIGTERM leaves the list at once', async () => {
    const pinned = await cluster.addWorker('pinned', ['--gpu', '1', '--concurrency', '2']);
    await waitForWorkers(cluster, 4);
    const listed = ((await api(b, 'GET', '/api/workers')).body as { id: string; gpu: number | null; concurrency: number }[]).find((w) => w.id === 'pinned');
    expect(listed).toMatchObject({ gpu: 1, concurrency: 2 });
    pinned.cli.child.kill('SIGTERM');
    expect((await pinned.cli.done).code).toBe(0);
    cluster.workers.splice(cluster.workers.indexOf(pinned), 1);
    const end = Date.now() + 3000;
    while (((await api(a, 'GET', '/api/workers')).body as { id: string }[]).some((w) => w.id === 'pinned')) {
      if (Date.now() > end) throw new Error('the stopped worker is still listed');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('drains 30 runs submitted to both instances: none lost, none run twice, spread over the workers', async () => {
    const image = await asset();
    const finished = new Map<string, string>();
    const onFinished = (p: { runId: string; status: string }) => void finished.set(p.runId, p.status);
    socketB.on('run:finished', onFinished);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await queue(i % 2 ? b : a, chain(image, 1, `out${i}`)));
    const end = Date.now() + 120_000;
    while (ids.some((id) => !finished.has(id)) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    socketB.off('run:finished', onFinished);
    const unfinished = ids.filter((id) => finished.get(id) !== 'succeeded');
    const why = await Promise.all(unfinished.map(async (id) => `${id}: ${finished.get(id) ?? 'not finished'} ${JSON.stringify((await api(a, 'GET', `/api/runs/${id}`)).body.error ?? '')}`));
    expect(why).toEqual([]);
    const takers = new Set<string>();
    for (const id of ids) {
      const run = (await api(a, 'GET', `/api/runs/${id}`)).body as { status: string; attempts: { worker: string }[]; artifacts: { name: string }[] };
      expect(run.status).toBe('succeeded');
      // Run once: one worker took it, and it saved its image and its record once each.
      expect(run.attempts).toHaveLength(1);
      expect(run.artifacts.map((x) => x.name).sort()).toEqual([`out${ids.indexOf(id)}.png`, 'run.json']);
      takers.add(run.attempts[0]!.worker);
    }
    expect(takers.size).toBeGreaterThan(1);
  }, 180_000);

  it('pushes every event of a run posted to one instance to a browser on the other', async () => {
    const id = await queue(a, chain(await asset(), 2, 'events'), socketB.id);
    const started = nextEvent(socketB, 'node:started', (p: { runId: string; node: string }) => p.runId === id && p.node === 'save', 60_000);
    const done = nextEvent<{ runId: string; node: string; artifacts: { id: string }[] }>(socketB, 'node:finished', (p) => p.runId === id && p.node === 'save', 60_000);
    await started;
    const finished = await done;
    expect(finished.artifacts).toHaveLength(1);
    expect((await waitForRun(a, id, 60_000)).status).toBe('succeeded');
  });

  it('a cancel sent to the other instance stops the run on its worker', async () => {
    const id = await queue(a, chain(await asset(true), SLOW_CHAIN_INVERTS, 'slow'), socketB.id);
    await nextEvent(socketB, 'node:started', (p: { runId: string; node: string }) => p.runId === id && p.node === 'inv2', 60_000);
    const cancel = await api(b, 'POST', `/api/runs/${id}/cancel`);
    expect(cancel.status).toBe(200);
    const run = await waitForRun(b, id, 60_000);
    expect(run.status).toBe('cancelled');
  }, 120_000);

  it('keeps queued runs through a Redis crash and restart (append-only file)', async () => {
    // Three slow runs hold the three workers, so the next five wait in the queue when Redis goes down.
    const slow = [] as string[];
    for (let i = 0; i < 3; i++) slow.push(await queue(a, chain(await asset(true), SLOW_CHAIN_INVERTS, `hold${i}`)));
    const image = await asset();
    const waiting = [] as string[];
    for (let i = 0; i < 5; i++) waiting.push(await queue(b, chain(image, 1, `kept${i}`)));
    await cluster.redis.restart();
    for (const id of slow) await api(a, 'POST', `/api/runs/${id}/cancel`);
    for (const id of waiting) {
      const run = await waitForRun(a, id, 120_000);
      expect(`${run.status} ${JSON.stringify(run.error ?? '')}`).toBe('succeeded ""');
    }
  }, 240_000);

  it('refuses a run when no worker is registered, saying how to start one', async () => {
    await Promise.all(cluster.workers.map((w) => w.kill()));
    // Killed workers' heartbeats lapse within their time to live.
    const end = Date.now() + 15_000;
    while ((await api(a, 'GET', '/api/workers')).body.length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    const res = await api(a, 'POST', '/api/runs', { document: chain(await asset(), 1, 'refused') });
    expect(res.status).toBe(503);
    expect(res.body.message).toMatch(/no worker is taking runs: start one with `lvcd worker`/);
  }, 60_000);

  it('records a run the queue gave up on as failed, with the reason, on every instance once', async () => {
    // A stand-in worker: a heartbeat so the run is accepted, and a BullMQ consumer that fails the job outside any
    // run, as a worker whose database is unreachable would.
    const redis = new Redis(cluster.redis.url, { maxRetriesPerRequest: null });
    await redis.set(REDIS_NAMES.worker('stand-in'), JSON.stringify({ id: 'stand-in', state: 'ready', running: [], concurrency: 1, bundles: [] }), 'PX', 60_000);
    const blocking = redis.duplicate();
    const consumer = new Worker(REDIS_NAMES.queue, async () => {
      throw new Error('the database is unreachable');
    }, { connection: blocking });
    const finished: { runId: string; status: string; error?: { message: string } }[] = [];
    const onFinished = (p: (typeof finished)[number]) => void finished.push(p);
    socketB.on('run:finished', onFinished);
    try {
      const id = await queue(a, chain(await asset(), 1, 'abandoned'));
      const run = await waitForRun(b, id, 30_000);
      expect(run.status).toBe('failed');
      expect(run.error.message).toBe('the queue gave up on the run: the database is unreachable');
      // Both instances heard the queue; only the first to settle the record published.
      await new Promise((r) => setTimeout(r, 1000));
      expect(finished.filter((f) => f.runId === id)).toEqual([{ runId: id, status: 'failed', error: { node: '', message: run.error.message } }]);
    } finally {
      socketB.off('run:finished', onFinished);
      // BullMQ leaves connections it was given open.
      await consumer.close();
      await blocking.quit();
      await redis.del(REDIS_NAMES.worker('stand-in'));
      await redis.quit();
    }
  }, 60_000);
});
