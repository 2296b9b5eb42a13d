import { encodePng, FrameStoreWriter, paintedClip, psnr, readFrames, type RgbImage } from '@lvcd/media';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeError, type ExecuteContext, type NodeType } from '../../runtime/node-type.js';
import { framesValue, type FramesValue, type ImageValue, type Value } from '../../runtime/values.js';
import { emptyWorkflow } from '../../workflow.js';
import { compositeLines } from './composite-lines.js';
import { flowColorize } from './flow-colorize.js';
import { paletteSnap } from './palette-snap.js';

let dir: string;
let n = 0;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'lvcd-colorize-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function run(type: NodeType, params: Record<string, string | number | boolean | null>, inputs: Record<string, Value>) {
  const outDir = join(dir, `out-${n++}`);
  await mkdir(outDir, { recursive: true });
  const ctx: ExecuteContext = {
    nodeId: 'n', params: { ...Object.fromEntries(type.params.map((p) => [p.name, (p.schema as { default?: unknown }).default])), ...params } as ExecuteContext['params'], inputs, outDir,
    signal: new AbortController().signal, progress: () => undefined, frame: () => undefined, artifact: () => undefined,
    assets: { pathOf: (id) => id, info: (id) => ({ name: id, mime: 'application/octet-stream', size: 0 }) },
    modelsDir: dir, workflow: emptyWorkflow('test'),
  };
  return type.execute(ctx);
}

async function store(images: Iterable<RgbImage>): Promise<FramesValue> {
  const writer = await FrameStoreWriter.create(join(dir, `store-${n++}`), 12);
  for (const image of images) await writer.append(image);
  return framesValue(await writer.finish());
}

async function image(img: RgbImage): Promise<ImageValue> {
  const file = join(dir, `image-${n++}.png`);
  await writeFile(file, await encodePng(img));
  return { kind: 'image', file, width: img.width, height: img.height };
}

async function all(frames: FramesValue): Promise<RgbImage[]> {
  const out: RgbImage[] = [];
  for await (const { image: f } of readFrames(frames)) out.push(f);
  return out;
}

async function expectNodeError(p: Promise<unknown>, field: string, pattern: RegExp) {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(NodeError);
  expect((e as NodeError).field).toBe(field);
  expect((e as NodeError).message).toMatch(pattern);
}

/** A 40x30 sketch: a box outline splitting paper into inside and outside. */
function boxSketch(): RgbImage {
  const data = new Uint8Array(40 * 30 * 3).fill(255);
  for (let y = 5; y < 25; y++) for (let x = 10; x < 30; x++) if (y === 5 || y === 24 || x === 10 || x === 29) data.fill(20, (y * 40 + x) * 3, (y * 40 + x) * 3 + 3);
  return { width: 40, height: 30, data };
}

/** Colours the box sketch: `inside` within the box, `outside` around it, lines dark grey; optional per-pixel noise. */
function boxFrame(inside: number[], outside: number[], noise = 0): RgbImage {
  const sketch = boxSketch();
  const data = new Uint8Array(40 * 30 * 3);
  for (let y = 0; y < 30; y++) {
    for (let x = 0; x < 40; x++) {
      const p = (y * 40 + x) * 3;
      const c = sketch.data[p]! < 128 ? [40, 40, 40] : x > 10 && x < 29 && y > 5 && y < 24 ? inside : outside;
      const jitter = noise ? (((x * 7 + y * 13) % 5) - 2) * noise : 0;
      for (let k = 0; k < 3; k++) data[p + k] = Math.max(0, Math.min(255, c[k]! + jitter));
    }
  }
  return { width: 40, height: 30, data };
}

describe('Flow Colorize node', () => {
  it('colours a painted clip from its first frame, closer to the truth than the reference is', async () => {
    const clip = [...paintedClip({ frames: 6, width: 192, height: 128, seed: 9 })];
    const out = await run(flowColorize, {}, { reference: await image(clip[0]!.truth), sketches: await store(clip.map((f) => f.sketch)) });
    const frames = await all(out.frames as FramesValue);
    expect(frames).toHaveLength(6);
    expect(frames[0]!.data).toEqual(clip[0]!.truth.data);
    const last = clip[5]!.truth;
    expect(psnr(frames[5]!, last)).toBeGreaterThan(psnr(clip[0]!.truth, last) + 3);
  });
});

describe('Palette Snap node', () => {
  it("snaps a noisy cel to the reference's colour, leaves far colours alone, and applies overrides", async () => {
    const reference = boxFrame([200, 60, 50], [90, 140, 220]);
    const noisy = boxFrame([206, 52, 58], [90, 140, 220], 3);
    const inputs = { reference: await image(reference), frames: await store([reference, noisy]), sketches: await store([boxSketch(), boxSketch()]) };
    const [, snapped] = await all((await run(paletteSnap, { tolerance: 30 }, inputs)).frames as FramesValue);
    const at = (img: RgbImage, x: number, y: number) => [...img.data.subarray((y * 40 + x) * 3, (y * 40 + x) * 3 + 3)];
    for (const [x, y] of [[15, 10], [20, 15], [24, 18]]) expect(at(snapped!, x!, y!)).toEqual([200, 60, 50]);
    expect(at(snapped!, 10, 5)).toEqual(at(noisy, 10, 5)); // lines untouched
    const [, strict] = await all((await run(paletteSnap, { tolerance: 1 }, inputs)).frames as FramesValue);
    expect(at(strict!, 15, 10)).toEqual(at(noisy, 15, 10)); // the noisy cel is further than 1 from every palette colour
    const [, forced] = await all((await run(paletteSnap, { overrides: '20,15=#00ff00' }, inputs)).frames as FramesValue);
    expect(at(forced!, 15, 19)).toEqual([0, 255, 0]);
    expect(at(forced!, 2, 2)).toEqual([90, 140, 220]);
  });

  it('names a malformed override', async () => {
    const f = boxFrame([1, 2, 3], [4, 5, 6]);
    const inputs = { reference: await image(f), frames: await store([f]), sketches: await store([boxSketch()]) };
    await expectNodeError(run(paletteSnap, { overrides: '3,4=red' }, inputs), 'overrides', /"3,4=red" is not "x,y=#rrggbb"/);
    await expectNodeError(run(paletteSnap, { overrides: '99,4=#ffffff' }, inputs), 'overrides', /outside the 40x30 frames/);
  });
});

describe('Composite Lines node', () => {
  it('multiplies or replaces with the line colour where the sketch is inked, and leaves paper alone', async () => {
    const flat = boxFrame([200, 60, 50], [90, 140, 220]);
    const inputs = { frames: await store([flat]), sketches: await store([boxSketch()]) };
    const [multiplied] = await all((await run(compositeLines, { mode: 'multiply', lineColour: '#000000' }, inputs)).frames as FramesValue);
    const [replaced] = await all((await run(compositeLines, { mode: 'replace', lineColour: '#ff0000' }, inputs)).frames as FramesValue);
    const at = (img: RgbImage, x: number, y: number) => [...img.data.subarray((y * 40 + x) * 3, (y * 40 + x) * 3 + 3)];
    const ink = 1 - 20 / 255;
    expect(at(multiplied!, 10, 10)).toEqual([40, 40, 40].map((v) => Math.round(v * (1 - ink))));
    expect(at(replaced!, 10, 10)).toEqual([Math.round(40 + 215 * ink), Math.round(40 - 40 * ink), Math.round(40 - 40 * ink)]);
    expect(at(multiplied!, 20, 15)).toEqual([200, 60, 50]);
    expect(at(replaced!, 2, 2)).toEqual([90, 140, 220]);
  });

  it('names a bad line colour and a size mismatch', async () => {
    const inputs = { frames: await store([boxFrame([1, 2, 3], [4, 5, 6])]), sketches: await store([boxSketch()]) };
    await expectNodeError(run(compositeLines, { lineColour: 'black' }, inputs), 'lineColour', /write it as #rrggbb/);
    const other = { frames: await store([{ width: 8, height: 8, data: new Uint8Array(192) }]), sketches: inputs.sketches };
    await expectNodeError(run(compositeLines, {}, other), 'sketches', /frames are 8x8 but the sketches are 40x30/);
  });
});
