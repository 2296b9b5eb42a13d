// The outputs gallery (GET /api/artifacts) and History thumbnails, against the real server with real runs: a saved
// image workflow run twice, and a small demo run whose only picture is its mp4.
import { generateDemoClip } from '@lvcd/media';
import { demoWorkflow } from '@lvcd/nodes/catalogue';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, png } from './support/fixtures.js';
import { api, removeDir, startTestServer, tempDir, upload, waitForRun, type TestServer } from './support/server.js';

let server: TestServer;
let clipDir: string;
let workflowId: string;
/** Oldest first: two runs of the saved image workflow, then the demo run (mp4 only). */
const runs: any[] = [];

async function finished(queued: { status: number; body: any }): Promise<any> {
  expect(queued.status, JSON.stringify(queued.body)).toBe(202);
  const done = await waitForRun(server, queued.body.id, 60_000);
  expect(done.status).toBe('succeeded');
  return done;
}

beforeAll(async () => {
  server = await startTestServer(await tempDir());
  clipDir = await tempDir('lvcd-outputs-clip-');
  const image = await upload(server, await png(6, 4, 90), 'grey.png');
  const saved = await api(server, 'POST', '/api/workflows', { name: 'Inverted grey', document: chain(image.body.id, 1, 'inverted') });
  expect(saved.status).toBe(201);
  workflowId = saved.body.id;
  runs.push(await finished(await api(server, 'POST', '/api/runs', { workflowId })));
  // A second image, so the second run is not the first one cached.
  const other = await api(server, 'PUT', `/api/workflows/${workflowId}`, { document: chain((await upload(server, await png(6, 4, 30), 'dark.png')).body.id, 1, 'inverted') });
  expect(other.status).toBe(200);
  runs.push(await finished(await api(server, 'POST', '/api/runs', { workflowId })));
  const clip = await generateDemoClip(clipDir, { frames: 4, width: 96, height: 64, seed: 3 });
  const asset = await upload(server, await readFile(clip.zip), 'clip.zip', 'application/zip');
  const demo = demoWorkflow({ frames: asset.body.id });
  demo.nodes.find((n) => n.id === 'resize')!.params = { width: 96, height: 64, mode: 'crop', pad: 'white' };
  runs.push(await finished(await api(server, 'POST', '/api/runs', { document: demo })));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await removeDir(server.dataDir);
  await removeDir(clipDir);
});

describe('GET /api/artifacts', () => {
  it('lists the images and videos of every run, newest first, each with its run', async () => {
    const page = await api(server, 'GET', '/api/artifacts');
    expect(page.status).toBe(200);
    const [video, second, first] = page.body.items;
    expect(page.body).toMatchObject({ total: 3, limit: 60, offset: 0 });
    expect(video).toMatchObject({ runId: runs[2].id, runStatus: 'succeeded', mime: 'video/mp4', node: 'save', workflowName: 'Demo: flat colorization' });
    expect(video.workflowId).toBeUndefined();
    expect(second).toMatchObject({ runId: runs[1].id, mime: 'image/png', name: 'inverted.png', workflowId, workflowName: 'Inverted grey' });
    expect(first).toMatchObject({ runId: runs[0].id, mime: 'image/png' });
    expect(Date.parse(video.createdAt)).toBeGreaterThanOrEqual(Date.parse(first.createdAt));
    // The run's JSON, CSV and run.json are files to download, not outputs to look at.
    const names = page.body.items.map((a: any) => a.name);
    expect(names.some((n: string) => /\.(json|csv)$/.test(n))).toBe(false);
    // Every listed id serves its file.
    const res = await fetch(`${server.url}/api/artifacts/${video.id}`);
    expect(res.headers.get('content-type')).toContain('video/mp4');
  });

  it('filters by kind, workflow and run status', async () => {
    const videos = (await api(server, 'GET', '/api/artifacts?kind=video')).body;
    expect(videos.items.map((a: any) => a.runId)).toEqual([runs[2].id]);
    const images = (await api(server, 'GET', '/api/artifacts?kind=image')).body;
    expect(images.items.map((a: any) => a.runId)).toEqual([runs[1].id, runs[0].id]);
    const ofWorkflow = (await api(server, 'GET', `/api/artifacts?workflow=${workflowId}`)).body;
    expect(ofWorkflow.total).toBe(2);
    expect(ofWorkflow.items.every((a: any) => a.workflowId === workflowId)).toBe(true);
    expect((await api(server, 'GET', '/api/artifacts?status=succeeded')).body.total).toBe(3);
    expect((await api(server, 'GET', '/api/artifacts?status=failed')).body).toMatchObject({ items: [], total: 0 });
    expect((await api(server, 'GET', `/api/artifacts?kind=video&workflow=${workflowId}`)).body.total).toBe(0);
  });

  it('pages, with the total of every match', async () => {
    const page = (await api(server, 'GET', '/api/artifacts?limit=1&offset=1')).body;
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.items.map((a: any) => a.runId)).toEqual([runs[1].id]);
    expect((await api(server, 'GET', '/api/artifacts?offset=3')).body.items).toEqual([]);
  });

  it('refuses bad query params with the param and what it should be', async () => {
    const cases: [string, RegExp][] = [
      ['kind=zip', /"kind" must be one of image, video/],
      ['status=done', /"status" must be one of queued, running/],
      ['workflow=..%2F..', /"workflow" must be a workflow id/],
      ['limit=0', /"limit" must be a whole number from 1 to 200/],
      ['limit=201', /"limit"/],
      ['offset=-1', /"offset"/],
      ['kind=image&kind=video', /"kind" must be one of/],
    ];
    for (const [query, message] of cases) {
      const res = await api(server, 'GET', `/api/artifacts?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.message, query).toMatch(message);
    }
  });
});

describe('History thumbnails', () => {
  it('are the first image of a run, or its video when it made no image', async () => {
    const list = (await api(server, 'GET', '/api/runs')).body;
    const byId = new Map(list.map((r: any) => [r.id, r]));
    const demo: any = byId.get(runs[2].id);
    const video = runs[2].artifacts.find((a: any) => a.mime === 'video/mp4');
    expect(demo).toMatchObject({ thumbnail: video.id, thumbnailKind: 'video' });
    const image: any = byId.get(runs[0].id);
    expect(image.thumbnail).toBe(runs[0].artifacts.find((a: any) => a.mime === 'image/png').id);
    expect(image.thumbnailKind).toBeUndefined();
    expect((await api(server, 'GET', `/api/runs/${runs[2].id}`)).body.thumbnailKind).toBe('video');
  });
});

describe('a saved video served in parts', () => {
  it('answers a byte range with 206 and that part, so the inline player can seek', async () => {
    const video = runs[2].artifacts.find((a: any) => a.mime === 'video/mp4');
    const url = `${server.url}/api/artifacts/${video.id}`;
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    const size = bytes.length;
    expect(size).toBe(video.size);
    const part = async (range: string) => {
      const res = await fetch(url, { headers: { range } });
      return { status: res.status, contentRange: res.headers.get('content-range'), length: res.headers.get('content-length'), body: Buffer.from(await res.arrayBuffer()) };
    };
    expect(await part('bytes=0-99')).toEqual({ status: 206, contentRange: `bytes 0-99/${size}`, length: '100', body: bytes.subarray(0, 100) });
    expect(await part('bytes=100-')).toMatchObject({ status: 206, contentRange: `bytes 100-${size - 1}/${size}`, body: bytes.subarray(100) });
    expect(await part('bytes=-50')).toMatchObject({ status: 206, contentRange: `bytes ${size - 50}-${size - 1}/${size}`, body: bytes.subarray(size - 50) });
    expect(await part(`bytes=10-${size * 2}`)).toMatchObject({ status: 206, contentRange: `bytes 10-${size - 1}/${size}`, body: bytes.subarray(10) });
    expect(await part(`bytes=${size}-`)).toMatchObject({ status: 416, contentRange: `bytes */${size}`, body: Buffer.alloc(0) });
    // Several ranges at once, or a malformed header: the whole file, as if no range were asked.
    for (const range of ['bytes=0-1,5-6', 'bytes=9-3', 'items=0-5']) expect(await part(range)).toMatchObject({ status: 200, body: bytes });
  });
});
