import { createRgbImage, encodePng } from '@lvcd/media';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_FRAME_BYTES } from '../src/worker/frame-spool.js';
import { chain, png, SLOW_CHAIN_INVERTS, slowChainImage } from './support/fixtures.js';
import { api, connect, nextEvent, removeDir, startTestServer, tempDir, upload, waitForRun, type TestServer } from './support/server.js';

/** Cancel grace of this file's server: long enough for a between-nodes stop, far shorter than a 4000x4000 invert. */
const GRACE_MS = 1500;

let server: TestServer;
let socket: Socket;
let fill = 0;

beforeAll(async () => {
  server = await startTestServer(await tempDir(), { LVCD_CANCEL_GRACE_MS: String(GRACE_MS) });
  socket = await connect(server);
});

afterAll(async () => {
  socket?.close();
  await server?.close();
  if (server) await removeDir(server.dataDir);
});

/** A fresh image each time, so no run is served from the cache. */
async function asset(width = 4, height = 4): Promise<string> {
  const bytes = width >= 800 ? await slowChainImage(++fill) : await png(width, height, ++fill);
  return (await upload(server, bytes, `a${fill}.png`)).body.id as string;
}

async function workers(): Promise<{ pid: number; state: string; running: string[] }[]> {
  return (await api(server, 'GET', '/api/health')).body.workers;
}

/** The worker executing `runId`, once it has taken it. */
async function workerOf(runId: string): Promise<{ pid: number }> {
  for (;;) {
    const w = (await workers()).find((w) => w.running.includes(runId));
    if (w) return w;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Queues a slow run (hundreds of 800x800 inversions) with this socket subscribed from the start. */
async function slowRun(): Promise<string> {
  const run = await api(server, 'POST', '/api/runs', { document: chain(await asset(800), SLOW_CHAIN_INVERTS), socketId: socket.id });
  expect(run.status).toBe(202);
  return run.body.id as string;
}

const finished = (runId: string, timeoutMs = 15_000) => nextEvent(socket, 'run:finished', (p) => p.runId === runId, timeoutMs);

describe('runs in a worker process', () => {
  it('executes a run in a process of its own, not the server', async () => {
    const runId = await slowRun();
    const started = nextEvent(socket, 'node:started', (p) => p.runId === runId && p.node === 'inv2');
    const worker = await workerOf(runId);
    await started;
    expect(worker.pid).not.toBe(process.pid);
    expect(readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8')).toMatch(/apps\/server\/dist\/worker\/main\.js/);
    const end = finished(runId);
    await api(server, 'POST', `/api/runs/${runId}/cancel`);
    expect((await end).status).toBe('cancelled');
  });

  it('sends a frame too large for a message through the data dir, byte for byte, and leaves no file behind', async () => {
    // Noise does not compress: a 300x300 PNG of it is far larger than what travels inline.
    const noise = createRgbImage(300, 300);
    let x = 7;
    for (let i = 0; i < noise.data.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      noise.data[i] = x & 255;
    }
    const image = (await upload(server, await encodePng(noise), 'noise.png')).body.id as string;
    const run = await api(server, 'POST', '/api/runs', { document: chain(image), socketId: socket.id });
    const frame = await nextEvent(socket, 'frame', (p) => p.runId === run.body.id);
    expect(frame.data.length).toBeGreaterThan(INLINE_FRAME_BYTES);
    const done = await waitForRun(server, run.body.id);
    expect(done.status).toBe('succeeded');
    const saved = Buffer.from(await (await fetch(`${server.url}/api/artifacts/${done.artifacts[0].id}`)).arrayBuffer());
    expect(Buffer.compare(frame.data, saved)).toBe(0);
    expect(readdirSync(join(server.dataDir, 'spool'))).toEqual([]);
  });

  it('stops a cancelled run at its next step, in the same worker', async () => {
    const runId = await slowRun();
    await nextEvent(socket, 'node:finished', (p) => p.runId === runId && p.node === 'inv1');
    const { pid } = await workerOf(runId);
    const end = finished(runId);
    const asked = performance.now();
    expect((await api(server, 'POST', `/api/runs/${runId}/cancel`)).body.status).toBe('running');
    expect((await end).status).toBe('cancelled');
    // One 800x800 inversion and the recording; far below the grace that would kill the worker.
    expect(performance.now() - asked).toBeLessThan(GRACE_MS);
    const detail = (await api(server, 'GET', `/api/runs/${runId}`)).body;
    expect(detail.nodes.inv1.status).toBe('done');
    expect(detail.nodes.save.status).toBe('cancelled');
    expect((await workers()).map((w) => w.pid)).toEqual([pid]);
  });

  it('fails the run when its worker is SIGKILLed, naming the node; the server stays up and the next run gets a fresh worker', async () => {
    const runId = await slowRun();
    await nextEvent(socket, 'node:started', (p) => p.runId === runId && p.node === 'inv3');
    const { pid } = await workerOf(runId);
    const end = finished(runId);
    process.kill(pid, 'SIGKILL');
    const outcome = await end;
    expect(outcome.status).toBe('failed');
    expect(outcome.error.message).toMatch(/^the worker stopped: killed by SIGKILL while running node inv\d+ \(Invert Image\)$/);
    const detail = (await api(server, 'GET', `/api/runs/${runId}`)).body;
    expect(detail.status).toBe('failed');
    expect(detail.nodes[outcome.error.node]).toMatchObject({ status: 'failed', message: outcome.error.message });
    expect(detail.nodes.save.status).toBe('cancelled');

    expect((await api(server, 'GET', '/api/health')).status).toBe(200);
    const next = await api(server, 'POST', '/api/runs', { document: chain(await asset(), 1) });
    const done = await waitForRun(server, next.body.id);
    expect(done.status).toBe('succeeded');
    const [fresh] = await workers();
    expect(fresh!.pid).not.toBe(pid);
    expect(fresh!.state).toBe('ready');
  });

  it('kills and replaces a worker that does not stop within the grace period of a cancel', async () => {
    // A grace of 1 ms, far shorter than one 800x800 inversion: the cancel lands mid-node and the worker is killed.
    const strict = await startTestServer(await tempDir(), { LVCD_CANCEL_GRACE_MS: '1' });
    const client = await connect(strict);
    try {
      const image = (await upload(strict, await slowChainImage(++fill), 'slow.png')).body.id as string;
      const run = await api(strict, 'POST', '/api/runs', { document: chain(image, SLOW_CHAIN_INVERTS), socketId: client.id });
      const runId = run.body.id as string;
      await nextEvent(client, 'node:started', (p) => p.runId === runId && p.node === 'inv2');
      const before = (await api(strict, 'GET', '/api/health')).body.workers[0].pid as number;
      const end = nextEvent(client, 'run:finished', (p) => p.runId === runId);
      await api(strict, 'POST', `/api/runs/${runId}/cancel`);
      expect((await end).status).toBe('cancelled');
      const detail = (await api(strict, 'GET', `/api/runs/${runId}`)).body;
      expect(detail.nodes.inv1.status).toBe('done');
      expect(detail.nodes.save.status).toBe('cancelled');

      const next = await api(strict, 'POST', '/api/runs', { document: chain((await upload(strict, await png(4, 4, ++fill), 'n.png')).body.id, 2) });
      expect((await waitForRun(strict, next.body.id)).status).toBe('succeeded');
      const after = (await api(strict, 'GET', '/api/health')).body.workers[0].pid as number;
      expect(after).not.toBe(before);
    } finally {
      client.close();
      await strict.close();
      await removeDir(strict.dataDir);
    }
  });
});
