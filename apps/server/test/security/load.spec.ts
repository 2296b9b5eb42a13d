import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '@lvcd/nodes';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEventsBus } from '../../src/runs/run-events.js';
import { chain, png } from '../support/fixtures.js';
import { api, connect, removeDir, startTestServer, tempDir, upload, waitForRun, type TestServer } from '../support/server.js';
import { percentile, zipOf } from './helpers.js';

const CLIENTS = 50;
const FRAMES = 64;
/** Clips, each loaded and fully previewed by its own pair of nodes: 4 x 64 = 256 frame events per client. */
const PREVIEWS = 4;
const QUEUED_RUNS = 200;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(await tempDir('lvcd-load-'), { LVCD_RUNS_PER_MINUTE: '100000', LVCD_MAX_QUEUED_RUNS: '100000' });
});

afterAll(async () => {
  await server.close();
  await removeDir(server.dataDir);
});

function ack<T = any>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve) => socket.emit(event, payload, resolve));
}

/**
 * Per clip, Load Frames (a zip of `FRAMES` small PNGs) feeding a Preview that shows every frame. Clips differ,
 * so no node is served from the cache of an identical one.
 */
function previewWorkflow(zipIds: readonly string[]): WorkflowDocument {
  const nodes: WorkflowDocument['nodes'] = [];
  const links: WorkflowDocument['links'] = [];
  zipIds.forEach((zipId, p) => {
    nodes.push({ id: `load${p}`, type: 'frames/load', params: { frames: zipId, fps: 24 }, position: { x: 0, y: 150 * p } });
    nodes.push({ id: `preview${p}`, type: 'output/preview', params: { count: FRAMES }, position: { x: 300, y: 150 * p } });
    links.push({ from: { node: `load${p}`, output: 'frames' }, to: { node: `preview${p}`, input: 'frames' } });
  });
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, nodes, links, meta: { name: 'load test' } };
}

/** Holds the single queue slot until cancelled, so everything after it is queued (or subscribed) first. */
async function blocker(): Promise<string> {
  const slow = (await upload(server, await png(800, 800, Math.floor(Math.random() * 250)), 'block.png')).body.id;
  const run = await api(server, 'POST', '/api/runs', { document: chain(slow, 200, `block${Date.now()}`) });
  expect(run.status).toBe(202);
  return run.body.id;
}

describe('load on loopback', () => {
  it(`streams every frame to ${CLIENTS} subscribed Socket.IO clients, with bounded memory`, async () => {
    const zipIds: string[] = [];
    for (let p = 0; p < PREVIEWS; p++) {
      const frames = await Promise.all(Array.from({ length: FRAMES }, (_, i) => png(64, 48, (i * 3 + p) % 256)));
      const zip = zipOf(frames.map((data, i) => ({ name: `frame_${i + 1}.png`, data })));
      zipIds.push((await upload(server, zip, `clip${p}.zip`, 'application/zip')).body.id);
    }

    // When the bus publishes each frame: the gateway's emit is the listener registered just before this one.
    const emittedAt = new Map<string, number>();
    server.app.get(RunEventsBus).onRoom((runId, event, payload) => {
      if (event === 'frame') {
        const f = payload as { node: string; index: number };
        emittedAt.set(`${runId}/${f.node}/${f.index}`, performance.now());
      }
    });

    const sockets = await Promise.all(Array.from({ length: CLIENTS }, () => connect(server)));
    const rssBefore = process.memoryUsage().rss;
    const hold = await blocker();
    const run = await api(server, 'POST', '/api/runs', { document: previewWorkflow(zipIds) });
    expect(run.status).toBe(202);
    const runId: string = run.body.id;

    const received = sockets.map(() => ({ indexes: new Map<string, Set<number>>(), times: [] as number[], latencies: [] as number[], finished: false }));
    sockets.forEach((socket, c) => {
      socket.on('frame', (f: { runId: string; node: string; index: number; data: Buffer }) => {
        if (f.runId !== runId || !f.node.startsWith('preview')) return;
        const now = performance.now();
        const mine = received[c]!;
        if (!mine.indexes.has(f.node)) mine.indexes.set(f.node, new Set());
        mine.indexes.get(f.node)!.add(f.index);
        mine.times.push(now);
        const sent = emittedAt.get(`${runId}/${f.node}/${f.index}`);
        if (sent !== undefined) mine.latencies.push(now - sent);
      });
      socket.on('run:finished', (e: { runId: string }) => {
        if (e.runId === runId) received[c]!.finished = true;
      });
    });
    const acks = await Promise.all(sockets.map((s) => ack(s, 'subscribe', { runId })));
    expect(acks.every((a) => a.ok)).toBe(true);
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

    await api(server, 'POST', `/api/runs/${hold}/cancel`);
    const done = await waitForRun(server, runId, 60_000);
    expect(done.status).toBe('succeeded');
    const deadline = Date.now() + 20_000;
    while (!received.every((r) => r.finished) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    clearInterval(sampler);

    for (const [c, r] of received.entries()) {
      expect(r.finished, `client ${c} got run:finished`).toBe(true);
      for (let p = 0; p < PREVIEWS; p++) {
        const got = r.indexes.get(`preview${p}`);
        expect(got?.size, `client ${c} preview${p}`).toBe(FRAMES);
        expect([...got!].sort((a, b) => a - b)).toEqual(Array.from({ length: FRAMES }, (_, i) => i));
      }
    }
    const perClient = received.map((r) => (r.times.length - 1) / ((r.times.at(-1)! - r.times[0]!) / 1000));
    const latencies = received.flatMap((r) => r.latencies);
    const growthMb = (peakRss - rssBefore) / 2 ** 20;
    console.log(
      `[load] ${CLIENTS} clients x ${PREVIEWS * FRAMES} frames: ${Math.round(percentile(perClient, 50))} frames/s per client (median; min ${Math.round(Math.min(...perClient))}), ` +
        `event latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; ` +
        `RSS ${Math.round(rssBefore / 2 ** 20)} MB before, peak ${Math.round(peakRss / 2 ** 20)} MB (+${Math.round(growthMb)} MB)`,
    );
    expect(latencies.length).toBe(CLIENTS * PREVIEWS * FRAMES);
    // Bounded: 12,800 deliveries of ~1 KB frames may not cost the process more than a few hundred MB.
    expect(growthMb).toBeLessThan(400);
    for (const s of sockets) s.close();
  }, 90_000);

  it(`drains a queue of ${QUEUED_RUNS} runs in FIFO order`, async () => {
    const socket = await connect(server);
    const started: string[] = [];
    const positions = new Map<string, number>();
    const finished = new Set<string>();
    socket.on('run:started', (e: { runId: string }) => started.push(e.runId));
    socket.on('run:queued', (e: { runId: string; position: number }) => positions.set(e.runId, e.position));
    socket.on('run:finished', (e: { runId: string }) => finished.add(e.runId));
    const asset = (await upload(server, await png(4, 4, 77), 'q.png')).body.id;
    const hold = await blocker();
    const ids: string[] = [];
    for (let i = 0; i < QUEUED_RUNS; i++) {
      const res = await api(server, 'POST', '/api/runs', { document: chain(asset, 0, `q${i}`) });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    const t0 = performance.now();
    await api(server, 'POST', `/api/runs/${hold}/cancel`);
    const deadline = Date.now() + 60_000;
    while (!ids.every((id) => finished.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - t0) / 1000;
    expect(started.filter((id) => ids.includes(id))).toEqual(ids);
    // Each was told its place in line when queued (the blocker may still have been queued for the first few).
    expect(ids.slice(5).map((id) => positions.get(id))).toEqual(ids.slice(5).map((_, i) => positions.get(ids[5]!)! + i));
    const statuses = await Promise.all(ids.slice(-3).map(async (id) => (await api(server, 'GET', `/api/runs/${id}`)).body.status));
    expect(statuses).toEqual(['succeeded', 'succeeded', 'succeeded']);
    console.log(`[load] ${QUEUED_RUNS} queued runs drained in FIFO order in ${seconds.toFixed(1)} s (${Math.round(QUEUED_RUNS / seconds)} runs/s)`);
    socket.close();
  }, 90_000);
});
