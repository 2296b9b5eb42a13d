// The compare view's resources stay bounded: open sequences (zip handles, splits) by LVCD_COMPARE_OPEN_SEQUENCES,
// least recently used closed first, and the video frames split on disk by LVCD_COMPARE_CACHE_MB, least recently
// used pruned first. Real runs of the demo workflow, real file handles (read from /proc/self/fd).
import { generateDemoClip } from '@lvcd/media';
import { demoWorkflow } from '@lvcd/nodes/catalogue';
import type { WorkflowDocument } from '@lvcd/nodes';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, removeDir, startTestServer, tempDir, upload, waitForRun, type TestServer } from './support/server.js';

const FRAMES = 4;
let server: TestServer;
let clipDir: string;
let runs: any[];

function demo(assetId: string, gapClose: number): WorkflowDocument {
  const doc = demoWorkflow({ frames: assetId });
  doc.nodes.find((n) => n.id === 'resize')!.params = { width: 64, height: 64, mode: 'crop', pad: 'white' };
  doc.nodes.find((n) => n.id === 'colorize')!.params = { gapClose };
  doc.nodes.push({ id: 'frames', type: 'output/save-frames', params: { name: 'frames' }, position: { x: 1280, y: 300 } });
  doc.links.push({ from: { node: 'colorize', output: 'frames' }, to: { node: 'frames', input: 'frames' } });
  return doc;
}

const artifact = (run: any, mime: string): string => run.artifacts.find((a: any) => a.mime === mime)!.id;
const cacheDir = (id: string) => join(server.dataDir, 'compare-cache', id);

async function openFiles(): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  return (await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')))).filter(Boolean);
}

async function frame(id: string, index: number): Promise<number> {
  const res = await fetch(`${server.url}/api/artifacts/${id}/frames/${index}`);
  await res.arrayBuffer();
  return res.status;
}

async function untilComplete(id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await api(server, 'GET', `/api/artifacts/${id}/frames`)).body.complete) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the split of ${id} did not complete`);
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting until ${what}`);
}

beforeAll(async () => {
  server = await startTestServer(await tempDir(), { LVCD_COMPARE_OPEN_SEQUENCES: '1', LVCD_COMPARE_CACHE_MB: '0' });
  clipDir = await tempDir('lvcd-compare-bounds-clip-');
  const clip = await generateDemoClip(clipDir, { frames: FRAMES, width: 96, height: 96, seed: 3 });
  const asset = await upload(server, await readFile(clip.zip), 'clip.zip', 'application/zip');
  runs = [];
  for (const gapClose of [3, 0]) {
    const queued = await api(server, 'POST', '/api/runs', { document: demo(asset.body.id, gapClose) });
    const done = await waitForRun(server, queued.body.id, 60_000);
    expect(done.status).toBe('succeeded');
    runs.push(done);
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  await removeDir(server.dataDir);
  await removeDir(clipDir);
});

describe('compare bounds', () => {
  it('closes the least recently used sequence (its zip handle) and prunes split videos by size, least recently used first', async () => {
    const [zipA, videoA, videoB] = [artifact(runs[0], 'application/zip'), artifact(runs[0], 'video/mp4'), artifact(runs[1], 'video/mp4')];
    expect(await frame(zipA, 1)).toBe(200);
    expect((await openFiles()).some((f) => f.endsWith(`${zipA}.zip`))).toBe(true);

    // A second sequence with room for one: the zip is closed.
    expect(await frame(videoA, 0)).toBe(200);
    await until(async () => !(await openFiles()).some((f) => f.endsWith(`${zipA}.zip`)), 'the zip handle is closed');
    await untilComplete(videoA);
    expect(existsSync(cacheDir(videoA))).toBe(true); // open, so kept although the limit is 0 bytes

    // A third: video A is closed, and once B is split, A's frames go (over the limit, not in use); B's stay.
    expect(await frame(videoB, FRAMES - 1)).toBe(200);
    await untilComplete(videoB);
    await until(async () => !existsSync(cacheDir(videoA)), "video A's frames are pruned");
    expect(existsSync(join(cacheDir(videoB), 'sequence.json'))).toBe(true);

    // A closed and pruned sequence is split again on request, and the zip reopens.
    expect(await frame(videoA, FRAMES - 1)).toBe(200);
    expect(await frame(zipA, 0)).toBe(200);
  });
});
