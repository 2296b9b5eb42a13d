import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { chain, png, SLOW_CHAIN_INVERTS, slowChainImage } from './support/fixtures.js';
import { api, connect, nextEvent, removeDir, startTestServer, tempDir, upload, type TestServer } from './support/server.js';

let server: TestServer;
let socket: Socket;

beforeAll(async () => {
  server = await startTestServer(await tempDir());
  socket = await connect(server);
});

afterAll(async () => {
  socket.close();
  await server.close();
  await removeDir(server.dataDir);
});

/** A fresh image per test, so no test reuses another's cached outputs. */
async function asset(fill: number, size = 4): Promise<string> {
  return (await upload(server, await png(size, size, fill), `img-${fill}.png`)).body.id;
}

async function slowAsset(fill: number): Promise<string> {
  return (await upload(server, await slowChainImage(fill), `slow-${fill}.png`)).body.id;
}

function ack<T = any>(event: string, payload: unknown): Promise<T> {
  return new Promise((resolve) => socket.emit(event, payload, resolve));
}

/** Records every event on the socket, in order of arrival. */
function record(): { events: { name: string; payload: any }[]; stop(): void } {
  const events: { name: string; payload: any }[] = [];
  const listener = (name: string, payload: unknown) => events.push({ name, payload });
  socket.onAny(listener);
  return { events, stop: () => socket.offAny(listener) };
}

/** Waits until the recorded log holds run:finished for every id (recording avoids missing an early event). */
async function allFinished(events: { name: string; payload: any }[], ids: string[], timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  const done = () => ids.every((id) => events.some((e) => e.name === 'run:finished' && e.payload.runId === id));
  while (!done()) {
    if (Date.now() > end) throw new Error(`runs ${ids.join(', ')} did not all finish`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('realtime', () => {
  it('streams node events and a binary frame to a subscriber before run:finished', async () => {
    const id = await asset(1);
    const log = record();
    // Stop the queue from starting it before we subscribe: a blocker run goes first.
    const blocker = await api(server, 'POST', '/api/runs', { document: chain(await slowAsset(2), SLOW_CHAIN_INVERTS) });
    const run = await api(server, 'POST', '/api/runs', { document: chain(id, 1) });
    const subscribed = await ack('subscribe', { runId: run.body.id });
    expect(subscribed.ok).toBe(true);
    expect(subscribed.run).toMatchObject({ id: run.body.id, status: 'queued', nodes: { load: { status: 'queued' } } });
    await api(server, 'POST', `/api/runs/${blocker.body.id}/cancel`);
    await allFinished(log.events, [run.body.id]);
    log.stop();

    const mine = log.events.filter((e) => e.payload?.runId === run.body.id).map((e) => e.name);
    expect(mine[0]).toBe('run:queued');
    expect(mine).toEqual(expect.arrayContaining(['run:started', 'node:started', 'node:finished', 'frame', 'artifact']));
    expect(mine.indexOf('frame')).toBeLessThan(mine.indexOf('run:finished'));
    expect(mine.at(-1)).toBe('run:finished');
    // The blocker's node events stay in its own room: this socket never subscribed to it.
    expect(log.events.some((e) => e.name.startsWith('node:') && e.payload.runId === blocker.body.id)).toBe(false);

    const frame = log.events.find((e) => e.name === 'frame')!.payload;
    expect(frame).toMatchObject({ node: 'save', output: 'image', index: 0, width: 4, height: 4, mime: 'image/png' });
    expect(Buffer.isBuffer(frame.data)).toBe(true);
    expect(frame.data.subarray(1, 4).toString()).toBe('PNG');
    const finished = log.events.find((e) => e.name === 'node:finished' && e.payload.node === 'save')!.payload;
    expect(finished.artifacts[0].id).toEqual(expect.any(String));
    const artifact = log.events.find((e) => e.name === 'artifact')!.payload.artifact;
    expect((await fetch(`${server.url}/api/artifacts/${artifact.id}`)).status).toBe(200);

    const resumed = await ack('subscribe', { runId: run.body.id });
    expect(resumed.run).toMatchObject({ status: 'succeeded', nodes: { save: { status: 'done' } }, artifacts: [{ id: artifact.id }, { node: '', name: 'run.json' }] });
  });

  it('subscribes the socket named in POST /api/runs before the run is queued', async () => {
    const log = record();
    const run = await api(server, 'POST', '/api/runs', { document: chain(await asset(3)), socketId: socket.id });
    expect(run.status).toBe(202);
    await allFinished(log.events, [run.body.id]);
    log.stop();
    const mine = log.events.filter((e) => e.payload?.runId === run.body.id).map((e) => e.name);
    // The last artefact event is the run's record (run.json), after every node ended.
    expect(mine).toEqual(['run:queued', 'run:started', 'node:started', 'node:finished', 'node:started', 'frame', 'artifact', 'node:finished', 'artifact', 'run:finished']);
  });

  it('answers a subscribe to an unknown or malformed run id with ok: false', async () => {
    expect(await ack('subscribe', { runId: '00000000-0000-4000-8000-000000000000' })).toEqual({ ok: false, message: expect.stringMatching(/no run/) });
    expect((await ack('subscribe', { runId: '../etc' })).ok).toBe(false);
    expect((await ack('subscribe', 'garbage')).ok).toBe(false);
  });

  it('runs the queue first in, first out with concurrency 1', async () => {
    const assets = [await asset(10, 64), await asset(11, 64), await asset(12, 64)];
    const blocker = await api(server, 'POST', '/api/runs', { document: chain(await slowAsset(13), SLOW_CHAIN_INVERTS) });
    const log = record();
    const ids: string[] = [];
    for (const id of assets) ids.push((await api(server, 'POST', '/api/runs', { document: chain(id, 2) })).body.id);
    expect((await api(server, 'GET', '/api/health')).body.queue).toEqual({ running: 1, queued: 3 });
    await api(server, 'POST', `/api/runs/${blocker.body.id}/cancel`);
    await allFinished(log.events, ids);
    log.stop();

    const lifecycle = log.events.filter((e) => ids.includes(e.payload?.runId) && /^run:(started|finished)$/.test(e.name));
    expect(lifecycle.map((e) => `${e.name}:${ids.indexOf(e.payload.runId)}`)).toEqual([
      'run:started:0',
      'run:finished:0',
      'run:started:1',
      'run:finished:1',
      'run:started:2',
      'run:finished:2',
    ]);
    expect(lifecycle.filter((e) => e.name === 'run:finished').every((e) => e.payload.status === 'succeeded')).toBe(true);
    const positions = log.events.filter((e) => e.name === 'run:queued' && ids.includes(e.payload.runId)).map((e) => e.payload.position);
    expect(positions).toEqual([0, 1, 2]);
  });

  it('cancels a running run between nodes', async () => {
    const run = await api(server, 'POST', '/api/runs', { document: chain(await slowAsset(50), SLOW_CHAIN_INVERTS) });
    // Listen before subscribing: the first node may finish between the join and the ack.
    const firstNode = nextEvent(socket, 'node:finished', (p) => p.runId === run.body.id);
    firstNode.catch(() => undefined);
    const { run: snapshot } = await ack('subscribe', { runId: run.body.id });
    if (!Object.values(snapshot.nodes).some((n: any) => n.status === 'done')) await firstNode;
    const end = nextEvent(socket, 'run:finished', (p) => p.runId === run.body.id);
    expect((await api(server, 'POST', `/api/runs/${run.body.id}/cancel`)).body.status).toBe('running');
    expect((await end).status).toBe('cancelled');
    const detail = (await api(server, 'GET', `/api/runs/${run.body.id}`)).body;
    expect(detail.nodes.save.status).toBe('cancelled');
    expect(detail.nodes.load.status).toBe('done');
    // A cancelled run keeps no output, only its record.
    expect(detail.artifacts.map((a: { name: string }) => a.name)).toEqual(['run.json']);
  });
});
