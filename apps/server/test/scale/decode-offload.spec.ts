import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitForIdleWithBundle, waitForWorkers, type Cluster } from '../support/cluster.js';
import { demoClipZip, installTinyBundle, lvcdWorkflow } from '../support/lvcd-tiny.js';
import { savedFrames, worstDifference } from '../support/saved-frames.js';
import { api, getRun, upload, waitForRun, type RunView, type TestServer } from '../support/server.js';

/** Four windows of the tiny bundle: window 1's chunks can decode elsewhere while windows 2-4 sample. */
const SIZE = { width: 128, height: 128 };
const FRAMES = 40;
const STEPS = 2;

let cluster: Cluster;
let api0: TestServer;
let clip: string;

beforeAll(async () => {
  cluster = await startCluster({ apis: 1, workers: 0, lockMs: 2000 });
  [api0] = cluster.apis as [TestServer];
  await installTinyBundle(join(cluster.dataDir, 'models'), SIZE);
  clip = (await upload(api0, await demoClipZip(join(cluster.dataDir, 'clip-src'), SIZE, FRAMES), 'clip.zip', 'application/zip')).body.id as string;
  await cluster.addWorker('sampler', ['--offload-decode']);
  await waitForWorkers(cluster, 1);
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

const run = (id: string): Promise<RunView> => getRun(api0, id);

async function colorize(): Promise<{ id: string; view: RunView; decoding: { chunks: number; elsewhere: number; workers: string[] } }> {
  const id = (await api(api0, 'POST', '/api/runs', { document: lvcdWorkflow(clip, STEPS) })).body.id as string;
  const ended = await waitForRun(api0, id, 600_000);
  expect(ended.status, ended.error?.message).toBe('succeeded');
  const view = await run(id);
  const decoding = view.artifacts.find((a) => a.name === 'lvcd.json')?.meta?.['decoding'] as { chunks: number; elsewhere: number; workers: string[] };
  return { id, view, decoding };
}

describe('decoding of finished windows on another worker (lvcd worker --offload-decode)', () => {
  it('decodes on the sampling worker itself while no other worker is free, then on a free one, with the same frames', async () => {
    const alone = await colorize();
    expect(alone.view.attempts?.map((a) => a.worker)).toEqual(['sampler']);
    expect(alone.decoding.chunks).toBeGreaterThan(1);
    expect(alone.decoding).toEqual({ chunks: alone.decoding.chunks, elsewhere: 0, workers: [] });
    const expected = await savedFrames(api0, alone.view, cluster.dataDir);

    // A second worker joins; the sampler keeps the bundle open, so the next run goes to it (model affinity).
    await cluster.addWorker('decoder');
    await waitForWorkers(cluster, 2);
    await waitForIdleWithBundle(api0, 'sampler');
    // The same run again must compute, not answer from the cache.
    await rm(join(cluster.dataDir, 'cache'), { recursive: true, force: true });
    const shared = await colorize();
    expect(shared.view.attempts?.map((a) => a.worker)).toEqual(['sampler']);
    // Every chunk went to the free worker; the frames are those of the run that decoded them itself.
    expect(shared.decoding).toEqual({ chunks: alone.decoding.chunks, elsewhere: alone.decoding.chunks, workers: ['decoder'] });
    const frames = await savedFrames(api0, shared.view, cluster.dataDir);
    expect(worstDifference(frames, expected)).toBeLessThanOrEqual(1);
    // The chunks' latents and frames crossed through the data dir and are gone with the run.
    expect(existsSync(join(cluster.dataDir, 'decode', shared.id))).toBe(false);
  }, 1_200_000);
});
