import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitForIdleWithBundle, waitForWorkers, type Cluster } from '../support/cluster.js';
import { demoClipZip, installTinyBundle, lvcdWorkflow } from '../support/lvcd-tiny.js';
import { savedFrames, worstDifference } from '../support/saved-frames.js';
import { api, connect, getRun, nextEvent, upload, waitForRun, type RunView, type TestServer } from '../support/server.js';

/** Four windows of the tiny bundle, slow enough on CPU that a worker can be killed between two of them. */
const SIZE = { width: 128, height: 128 };
const FRAMES = 40;
const STEPS = 4;

let cluster: Cluster;
let api0: TestServer;
let socket: Socket;
let clip: string;

beforeAll(async () => {
  cluster = await startCluster({ apis: 1, workers: 2, lockMs: 2000 });
  [api0] = cluster.apis as [TestServer];
  await installTinyBundle(join(cluster.dataDir, 'models'), SIZE);
  socket = await connect(api0);
  clip = (await upload(api0, await demoClipZip(join(cluster.dataDir, 'clip-src'), SIZE, FRAMES), 'clip.zip', 'application/zip')).body.id as string;
  await waitForWorkers(cluster, 2);
}, 240_000);

afterAll(async () => {
  socket?.close();
  await cluster?.stop();
}, 60_000);

const run = (id: string): Promise<RunView> => getRun(api0, id);

describe('model affinity', () => {
  it('sends an LVCD run to the worker that has its bundle open, not to the one idle longest', async () => {
    const small = (await upload(api0, await demoClipZip(join(cluster.dataDir, 'small-src'), SIZE, 2), 'small.zip', 'application/zip')).body.id as string;
    const first = (await api(api0, 'POST', '/api/runs', { document: lvcdWorkflow(small, 1) })).body.id as string;
    expect((await waitForRun(api0, first, 300_000)).status).toBe('succeeded');
    const opener = (await run(first)).attempts![0]!.worker;
    // Its heartbeat now lists the bundle and a free slot: the queue's choice rests on both.
    await waitForIdleWithBundle(api0, opener);
    // Without affinity the other worker, blocked on the queue for longer, would get the next run.
    const next = (await api(api0, 'POST', '/api/runs', { document: lvcdWorkflow(small, 2) })).body.id as string;
    expect((await waitForRun(api0, next, 300_000)).status).toBe('succeeded');
    expect((await run(next)).attempts![0]!.worker).toBe(opener);
  }, 900_000);
});

describe('a worker killed in the middle of an LVCD run', () => {
  it('hands the run to another worker, which resumes at the last finished window with the same frames', async () => {
    const document = lvcdWorkflow(clip, STEPS);
    const reference = (await api(api0, 'POST', '/api/runs', { document })).body.id as string;
    const uninterrupted = await waitForRun(api0, reference, 600_000);
    expect(uninterrupted.status, uninterrupted.error?.message).toBe('succeeded');
    const expected = await savedFrames(api0, await run(reference), cluster.dataDir);
    // The same run again must compute, not answer from the cache.
    await rm(join(cluster.dataDir, 'cache'), { recursive: true, force: true });

    const posted = await api(api0, 'POST', '/api/runs', { document, socketId: socket.id });
    const id = posted.body.id as string;
    // Window 2 has begun, so window 1 is checkpointed: kill whichever worker has the run.
    await nextEvent(socket, 'node:progress', (p: { runId: string; node: string; text?: string }) => p.runId === id && p.node === 'colorize' && /^window 2\//.test(p.text ?? ''), 600_000);
    const workers = (await api(api0, 'GET', '/api/workers')).body as { id: string; running: string[] }[];
    const owner = workers.find((w) => w.running.includes(id));
    expect(owner, JSON.stringify(workers)).toBeDefined();
    await cluster.workers.find((w) => w.id === owner!.id)!.kill();

    const resumed = await nextEvent(socket, 'node:progress', (p: { runId: string; node: string; text?: string }) => p.runId === id && /resumed at window 2 of/.test(p.text ?? ''), 120_000);
    expect(resumed.text).toMatch(/^window 2\/(\d+), .*resumed at window 2 of \1/);
    const ended = await waitForRun(api0, id, 600_000);
    expect(ended.status, ended.error?.message).toBe('succeeded');

    const view = await run(id);
    expect(view.attempts?.map((a) => a.worker)).toEqual([owner!.id, cluster.workers.find((w) => w.id !== owner!.id)!.id]);
    expect(view.attempts?.[0]?.handedOver).toMatch(/its worker stopped during the run/);
    // Window 1 came from its checkpoint, not from sampling it again.
    expect(view.artifacts.find((a) => a.name === 'lvcd.json')?.meta?.['windowsFromCheckpoints']).toBe(1);
    // Nothing lost or doubled: every frame once, each within 8-bit rounding of the uninterrupted run.
    const frames = await savedFrames(api0, view, cluster.dataDir);
    expect(frames).toHaveLength(expected.length);
    expect(worstDifference(frames, expected)).toBeLessThanOrEqual(1);
  }, 1_200_000);
});
