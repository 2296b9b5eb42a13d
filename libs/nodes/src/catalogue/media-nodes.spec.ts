import { decodeRgb, encodePng, FrameStoreWriter, readFrame, type RgbImage } from '@lvcd/media';
import { PNG_WORKFLOW_KEY, readPngText } from '../png-text.js';
import { zipSync } from 'fflate';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeError, type Artifact, type ExecuteContext, type NodeType } from '../runtime/node-type.js';
import { framesValue, type FramesValue, type Value } from '../runtime/values.js';
import { emptyWorkflow } from '../workflow.js';
import { loadFrames } from './frames/load-frames.js';
import { loadVideo } from './frames/load-video.js';
import { resizeFrames } from './frames/resize-frames.js';
import { selectFrames } from './frames/select-frames.js';
import { loadImage } from './image/load-image.js';
import { previewFrames } from './output/preview-frames.js';
import { saveFrames } from './output/save-frames.js';

let dir: string;
let n = 0;
const files = new Map<string, string>();
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'lvcd-nodes-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Runs one node type directly, with an asset resolver over files written by the test. */
async function run(type: NodeType, params: Record<string, string | number | boolean | null>, inputs: Record<string, Value> = {}) {
  const outDir = join(dir, `out-${n++}`);
  await mkdir(outDir, { recursive: true });
  const artifacts: Artifact[] = [];
  const ctx: ExecuteContext = {
    nodeId: 'n', params, inputs, outDir, signal: new AbortController().signal,
    progress: () => undefined, frame: () => undefined, artifact: (a) => artifacts.push(a),
    assets: { pathOf: (id) => files.get(id)!, info: (id) => ({ name: `${id}.bin`, mime: 'application/octet-stream', size: 0 }) },
    modelsDir: dir, workflow: emptyWorkflow('test'),
  };
  return { outputs: await type.execute(ctx), artifacts };
}

async function asset(id: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, id);
  await writeFile(path, bytes);
  files.set(id, path);
  return id;
}

const frame = (w: number, h: number, v: number): RgbImage => ({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(v) });

async function expectNodeError(p: Promise<unknown>, field: string, pattern: RegExp) {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(NodeError);
  expect((e as NodeError).field).toBe(field);
  expect((e as NodeError).message).toMatch(pattern);
}

describe('frame nodes', () => {
  it('Load Frames reads a zip in natural order; Select, Resize and Save Frames keep the sequence', async () => {
    const entries: Record<string, Uint8Array> = {};
    for (const i of [1, 2, 10, 3]) entries[`f${i}.png`] = await encodePng(frame(100, 50, i * 20));
    const loaded = (await run(loadFrames, { frames: await asset('seq', zipSync(entries)), fps: 10 })).outputs.frames as FramesValue;
    expect(loaded.count).toBe(4);
    expect((await readFrame(loaded, 3)).data[0]).toBe(200); // f10 last
    const picked = (await run(selectFrames, { start: 1, end: 0, stride: 2 }, { frames: loaded })).outputs.frames as FramesValue;
    expect([picked.count, picked.fps, (await readFrame(picked, 1)).data[0]]).toEqual([2, 5, 200]);
    const fitted = (await run(resizeFrames, { width: 128, height: 128, mode: 'pad', pad: 'black' }, { frames: loaded })).outputs.frames as FramesValue;
    expect([fitted.width, fitted.height]).toEqual([128, 128]);
    const { artifacts } = await run(saveFrames, { name: 'out' }, { frames: picked });
    const { unzipSync } = await import('fflate');
    const saved = unzipSync(new Uint8Array(await readFile(artifacts[0]!.file)));
    // Numbered from 0, as the inputs count: 0000.png is frame 0 of the sequence.
    expect(Object.keys(saved).sort()).toEqual(['0000.png', '0001.png', 'workflow.json']);
    expect(JSON.parse(readPngText(saved['0000.png']!).get(PNG_WORKFLOW_KEY)!)).toMatchObject({ meta: { name: 'test' } });
    // Load Frames reads a saved zip back as the same sequence (workflow.json is not a frame).
    const reloaded = (await run(loadFrames, { frames: await asset('saved', await readFile(artifacts[0]!.file)), fps: 5 })).outputs.frames as FramesValue;
    expect([reloaded.count, (await readFrame(reloaded, 0)).data[0], (await readFrame(reloaded, 1)).data[0]]).toEqual([2, 40, 200]);
  });

  it('Preview Frames keeps PNGs that carry the workflow, like saved ones, and shows the same bytes', async () => {
    const entries: Record<string, Uint8Array> = {};
    for (const i of [0, 1, 2]) entries[`f${i}.png`] = await encodePng(frame(8, 6, 40 + i * 50));
    const loaded = (await run(loadFrames, { frames: await asset('preview-seq', zipSync(entries)), fps: 10 })).outputs.frames as FramesValue;
    const outDir = join(dir, `out-${n++}`);
    await mkdir(outDir, { recursive: true });
    const artifacts: Artifact[] = [];
    const shown: Uint8Array[] = [];
    const ctx: ExecuteContext = {
      nodeId: 'p', params: { count: 2 }, inputs: { frames: loaded }, outDir, signal: new AbortController().signal,
      progress: () => undefined, frame: (f) => void shown.push(f.data), artifact: (a) => artifacts.push(a),
      assets: { pathOf: (id) => files.get(id)!, info: () => ({ name: 'x', mime: 'application/octet-stream', size: 0 }) },
      modelsDir: dir, workflow: emptyWorkflow('previewed'),
    };
    await previewFrames.execute(ctx);
    expect(artifacts.map((a) => a.meta?.index)).toEqual([0, 2]);
    for (const [k, a] of artifacts.entries()) {
      const bytes = await readFile(a.file);
      expect(JSON.parse(readPngText(bytes).get(PNG_WORKFLOW_KEY)!)).toMatchObject({ meta: { name: 'previewed' } });
      expect(Buffer.from(shown[k]!).equals(bytes)).toBe(true);
      expect((await decodeRgb(bytes)).data).toEqual((await readFrame(loaded, k * 2)).data);
    }
  });
});

describe('bad files fail their node with the field and a fix', () => {
  it('a zip bomb', async () => {
    const id = await asset('bomb', zipSync({ 'f1.png': new Uint8Array(40 * 1024 * 1024) }, { level: 9 }));
    await expectNodeError(run(loadFrames, { frames: id, fps: 12 }), 'frames', /zip bomb/);
  });

  it('a damaged zip, a zip of text, a corrupt frame and frames of mixed sizes', async () => {
    await expectNodeError(run(loadFrames, { frames: await asset('cut', zipSync({ 'a.png': await encodePng(frame(8, 8, 1)) }).subarray(0, 40)), fps: 12 }), 'frames', /not a readable zip/);
    await expectNodeError(run(loadFrames, { frames: await asset('txt', zipSync({ 'a.txt': new Uint8Array(4) })), fps: 12 }), 'frames', /no PNG/);
    await expectNodeError(run(loadFrames, { frames: await asset('bad', zipSync({ 'a.png': Buffer.from('garbage bytes here') })), fps: 12 }), 'frames', /not a readable image/);
    const mixed = zipSync({ 'a1.png': await encodePng(frame(8, 8, 1)), 'a2.png': await encodePng(frame(9, 8, 1)) });
    await expectNodeError(run(loadFrames, { frames: await asset('mixed', mixed), fps: 12 }), 'frames', /one size/);
  });

  it('a 20000x20000 image', async () => {
    const chunk = (type: string, body: Buffer) => {
      const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
      const head = Buffer.alloc(4);
      head.writeUInt32BE(body.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(typed));
      return Buffer.concat([head, typed, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(20000, 0);
    ihdr.writeUInt32BE(20000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
    await expectNodeError(run(loadFrames, { frames: await asset('huge', zipSync({ 'a.png': png })), fps: 12 }), 'frames', /20000x20000, over the limit/);
    await expectNodeError(run(loadImage, { image: await asset('hugeimg', png) }), 'image', /cannot read the image/);
  });

  it('a truncated video and a file of the wrong type', async () => {
    const store = await FrameStoreWriter.create(join(dir, 'vid-src'), 12);
    for (let i = 0; i < 4; i++) await store.append(frame(64, 48, 30 * i));
    const info = await store.finish();
    const { encodeVideo, readFrames } = await import('@lvcd/media');
    const mp4 = join(dir, 'v.mp4');
    await encodeVideo((async function* () { for await (const f of readFrames(framesValue(info))) yield f.image; })(), { file: mp4, width: 64, height: 48, fps: 12, format: 'mp4' });
    const bytes = await readFile(mp4);
    await expectNodeError(run(loadVideo, { video: await asset('cutvid', bytes.subarray(0, bytes.length >> 1)), maxFrames: 100 }), 'video', /cut|truncated|not a readable video|could not be decoded/);
    await expectNodeError(run(loadVideo, { video: await asset('pngvid', await encodePng(frame(8, 8, 1))), maxFrames: 100 }), 'video', /still image \(png\), not a video/);
    const ok = (await run(loadVideo, { video: await asset('okvid', bytes), maxFrames: 3 })).outputs.frames as FramesValue;
    expect([ok.count, ok.width, ok.height, ok.fps]).toEqual([3, 64, 48, 12]);
  });
});
