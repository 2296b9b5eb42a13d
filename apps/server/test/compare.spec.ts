// Comparing runs: single frames of sequence artefacts, pairwise metrics and the side-by-side mp4 export,
// against the real server with real runs of the demo workflow.
import { ffprobePath, generateDemoClip, naturalSort } from '@lvcd/media';
import { unzipSync } from 'fflate';
import { demoWorkflow } from '@lvcd/nodes/catalogue';
import type { WorkflowDocument } from '@lvcd/nodes';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, png } from './support/fixtures.js';
import { api, removeDir, startTestServer, tempDir, upload, waitForRun, type TestServer } from './support/server.js';

const FRAMES = 6;
const W = 128;
const H = 64;

let server: TestServer;
let clipDir: string;
/** Runs of the demo workflow (with Save Frames added, and Flat Colorize) that differ in its gap closing. */
let runA: any;
let runB: any;

/**
 * The demo workflow at a test size, plus a Save Frames output so runs have a lossless zip too. Its colorizer is Flat
 * Colorize, whose gap closing changes its regions and so the frames; on this small clip the demo's Flow Colorize gives
 * the same frames for both settings, and the export check needs two runs that differ.
 */
function demo(assetId: string, gapClose: number): WorkflowDocument {
  const doc = demoWorkflow({ frames: assetId });
  doc.nodes.find((n) => n.id === 'resize')!.params = { width: W, height: H, mode: 'crop', pad: 'white' };
  Object.assign(doc.nodes.find((n) => n.id === 'colorize')!, { type: 'colorize/flat', params: { gapClose } });
  doc.nodes.push({ id: 'frames', type: 'output/save-frames', params: { name: 'frames' }, position: { x: 1280, y: 300 } });
  doc.links.push({ from: { node: 'colorize', output: 'frames' }, to: { node: 'frames', input: 'frames' } });
  return doc;
}

async function runOf(document: WorkflowDocument): Promise<any> {
  const queued = await api(server, 'POST', '/api/runs', { document });
  expect(queued.status, JSON.stringify(queued.body)).toBe(202);
  const done = await waitForRun(server, queued.body.id, 60_000);
  expect(done.status).toBe('succeeded');
  return done;
}

const artifact = (run: any, mime: string) => run.artifacts.find((a: any) => a.mime === mime)!;

async function bytes(path: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(server.url + path);
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  server = await startTestServer(await tempDir());
  clipDir = await tempDir('lvcd-compare-clip-');
  const clip = await generateDemoClip(clipDir, { frames: FRAMES, width: 160, height: 96, seed: 7 });
  const asset = await upload(server, await readFile(clip.zip), 'clip.zip', 'application/zip');
  expect(asset.status).toBe(201);
  runA = await runOf(demo(asset.body.id, 3));
  runB = await runOf(demo(asset.body.id, 0));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await removeDir(server.dataDir);
  await removeDir(clipDir);
});

describe('frames of a sequence artefact', () => {
  it('describes a Save Frames zip and serves each frame as the PNG the zip holds', async () => {
    const zip = artifact(runA, 'application/zip');
    const info = await api(server, 'GET', `/api/artifacts/${zip.id}/frames`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ artifact: zip.id, count: FRAMES, width: W, height: H, fps: 12 });

    const zipBytes = (await bytes(`/api/artifacts/${zip.id}`)).body;
    // An independent zip reader (fflate) says what each frame must be.
    const entries = unzipSync(new Uint8Array(zipBytes));
    const names = naturalSort(Object.keys(entries).filter((n) => n.endsWith('.png')));
    for (const index of [0, FRAMES - 1]) {
      const frame = await bytes(`/api/artifacts/${zip.id}/frames/${index}`);
      expect(frame.status).toBe(200);
      expect(frame.type).toBe('image/png');
      expect(frame.body.equals(Buffer.from(entries[names[index]!]!))).toBe(true);
    }
    const done = await api(server, 'GET', `/api/artifacts/${zip.id}/frames`);
    expect(done.body).toMatchObject({ ready: FRAMES, complete: true });
  });

  it('decodes a Save Video mp4 into frames of the video size', async () => {
    const mp4 = artifact(runA, 'video/mp4');
    const last = await bytes(`/api/artifacts/${mp4.id}/frames/${FRAMES - 1}`);
    expect(last.status).toBe(200);
    const meta = await sharp(last.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', W, H]);
    const info = await api(server, 'GET', `/api/artifacts/${mp4.id}/frames`);
    expect(info.body).toMatchObject({ count: FRAMES, width: W, height: H, complete: true });
    expect((await bytes(`/api/artifacts/${mp4.id}/frames/${FRAMES}`)).status).toBe(404);
  });

  it('refuses bad indexes, bad ids and artefacts that are not sequences', async () => {
    const zip = artifact(runA, 'application/zip');
    for (const index of ['-1', '01', '1.5', 'abc', '1e3', '99999999999']) {
      expect((await api(server, 'GET', `/api/artifacts/${zip.id}/frames/${index}`)).status, index).toBe(400);
    }
    expect((await api(server, 'GET', `/api/artifacts/${zip.id}/frames/${FRAMES}`)).status).toBe(404);
    expect((await api(server, 'GET', '/api/artifacts/not-a-uuid/frames/0')).status).toBe(400);
    expect((await api(server, 'GET', '/api/artifacts/00000000-0000-4000-8000-000000000000/frames')).status).toBe(404);
    const json = artifact(runA, 'application/json');
    const refused = await api(server, 'GET', `/api/artifacts/${json.id}/frames/0`);
    expect(refused.status).toBe(415);
    expect(refused.body.message).toMatch(/not a frame sequence/);
  });
});

describe('pairwise metrics', () => {
  it('measures B against A per frame: identical sequences are capped, different ones are not', async () => {
    const a = artifact(runA, 'application/zip').id;
    const b = artifact(runB, 'application/zip').id;
    const same = await api(server, 'GET', `/api/compare/metrics?a=${a}&b=${a}`);
    expect(same.status).toBe(200);
    expect(same.body.frames).toHaveLength(FRAMES);
    expect(same.body.summary).toMatchObject({ frames: FRAMES, meanPsnr: 60, meanSsim: 1 });

    const diff = await api(server, 'GET', `/api/compare/metrics?a=${a}&b=${b}`);
    expect(diff.body.frames).toHaveLength(FRAMES);
    expect(diff.body.summary.meanPsnr).toBeLessThan(60);
    expect(diff.body.summary.meanPsnr).toBeGreaterThan(5);
    expect(diff.body.frames.every((f: any) => f.ssim > 0 && f.ssim <= 1)).toBe(true);
    expect((await api(server, 'GET', `/api/compare/metrics?a=${a}&b=nope`)).status).toBe(400);
  });
});

describe('side-by-side export', () => {
  it('encodes both runs side by side under labels as a playable mp4', async () => {
    const res = await api(server, 'POST', '/api/compare/export', { a: runA.id, b: runB.id, labels: ['A <gapClose 3>', 'B & gapClose 0'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ frames: FRAMES, width: 2 * W + 4, fps: 12 });
    const file = await bytes(res.body.url);
    expect(file.status).toBe(200);
    expect(file.type).toBe('video/mp4');
    const path = join(server.dataDir, 'probe.mp4');
    await writeFile(path, file.body);
    const { stdout } = await promisify(execFile)(ffprobePath(), ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', path]);
    const stream = JSON.parse(stdout).streams[0];
    expect(stream).toMatchObject({ codec_name: 'h264', width: 2 * W + 4, nb_read_frames: String(FRAMES) });
    expect(stream.height).toBeGreaterThan(H); // the label strip sits on top

    // The left half of the first frame shows run A's frame 0 and the right half run B's, under the strip.
    const { stdout: raw } = await promisify(execFile)('/usr/bin/ffmpeg', ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 24 });
    const strip = stream.height - H - ((stream.height - H) % 2 === 0 ? 0 : 1);
    const frameA = await sharp((await bytes(`/api/artifacts/${artifact(runA, 'application/zip').id}/frames/0`)).body).removeAlpha().raw().toBuffer();
    const frameB = await sharp((await bytes(`/api/artifacts/${artifact(runB, 'application/zip').id}/frames/0`)).body).removeAlpha().raw().toBuffer();
    const meanError = (side: Buffer, x0: number) => {
      let sum = 0;
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) sum += Math.abs(raw[((strip + y) * stream.width + x0 + x) * 3 + c]! - side[(y * W + x) * 3 + c]!);
      return sum / (W * H * 3);
    };
    // H.264 at CRF 18 with 4:2:0 chroma: a mean error under 12 of 255 means the right picture is there.
    expect(meanError(frameA, 0)).toBeLessThan(12);
    expect(meanError(frameB, W + 4)).toBeLessThan(12);
    expect(meanError(frameA, W + 4)).toBeGreaterThan(meanError(frameB, W + 4));

    expect((await api(server, 'GET', `/api/compare/exports/${res.body.id}?download=1`)).headers.get('content-disposition')).toMatch(/attachment/);
    expect((await api(server, 'GET', '/api/compare/exports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('refuses bad bodies and runs without a frame sequence', async () => {
    expect((await api(server, 'POST', '/api/compare/export', { a: runA.id })).status).toBe(400);
    expect((await api(server, 'POST', '/api/compare/export', { a: runA.id, b: 'x' })).status).toBe(400);
    expect((await api(server, 'POST', '/api/compare/export', { a: runA.id, b: runB.id, labels: ['only one'] })).status).toBe(400);
    expect((await api(server, 'POST', '/api/compare/export', { a: runA.id, b: runB.id, fps: 0 })).status).toBe(400);
    expect((await api(server, 'POST', '/api/compare/export', { a: runA.id, b: runB.id, artifactA: artifact(runB, 'application/zip').id })).status).toBe(400);
    const image = await upload(server, await png(4, 3, 50), 'still.png');
    const still = await runOf(chain(image.body.id, 1));
    const refused = await api(server, 'POST', '/api/compare/export', { a: runA.id, b: still.id });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/no frame sequence/);
    expect((await api(server, 'POST', '/api/compare/export', { a: runA.id, b: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });
});
