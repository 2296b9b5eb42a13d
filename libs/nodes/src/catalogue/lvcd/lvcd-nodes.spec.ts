import { colorizeClip, DEFAULT_COLORIZE, imageToChw, openLvcdBundle } from '@lvcd/models';
import { decodeRgb, readFrame } from '@lvcd/media';
import { convertTinyBundle } from '@lvcd/models/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptDemoClip, link, node, runWorkflow, workflow } from '../../testing/fixtures.js';
import { AssetStore } from '../../runtime/asset-store.js';
import type { ExecutionEvent } from '../../runtime/events.js';
import type { ExecutorDeps } from '../../runtime/executor.js';
import { OutputCache } from '../../runtime/output-cache.js';
import type { FramesValue } from '../../runtime/values.js';
import { createBuiltinRegistry, lvcdTemplateWorkflow } from '../index.js';
import { validateWorkflow } from '../../validate.js';

let dir: string;
let deps: ExecutorDeps;
let clipAsset: string;

/** Converts the tiny checkpoints into a bundle folder of the models dir (fp16 storage when asked). */
async function convertTiny(name: string, fp16 = false): Promise<void> {
  await convertTinyBundle(join(dir, 'models', name), { frame: { width: 128, height: 64 }, lineart: true, ...(fp16 ? { precision: 'fp16' as const } : {}) });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvcd-nodes-lvcd-'));
  await convertTiny('tiny');
  const assets = new AssetStore(join(dir, 'assets'));
  await assets.init();
  const clip = await adoptDemoClip(assets, dir, { frames: 20, width: 128, height: 64, seed: 3 });
  clipAsset = clip.id;
  deps = { registry: createBuiltinRegistry(), cache: new OutputCache(join(dir, 'cache'), 1e9), assets, modelsDir: join(dir, 'models') };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Load the clip, frame 0 as reference, LVCD lineart, then the node(s) under test, then Save Frames. */
function lvcdWorkflow(tail: 'colorize' | 'sample-decode', params: Record<string, number | boolean | string> = {}, bundle = 'tiny') {
  const nodes = [
    node('load', 'frames/load', { frames: clipAsset, fps: 8 }),
    node('models', 'lvcd/model-bundle', { bundle, provider: 'cpu' }),
    node('reference', 'frames/get-frame', { index: 0 }),
    node('lineart', 'lvcd/lineart'),
    node('save', 'output/save-frames', { name: 'out' }),
  ];
  const links = [
    link('load', 'frames', 'reference', 'frames'),
    link('models', 'models', 'lineart', 'models'),
    link('load', 'frames', 'lineart', 'frames'),
  ];
  const sampling = { steps: 2, prevAttnSteps: 1, ...params };
  if (tail === 'colorize') {
    nodes.push(node('colorize', 'lvcd/colorize', sampling));
    links.push(link('models', 'models', 'colorize', 'models'), link('reference', 'image', 'colorize', 'reference'), link('lineart', 'sketches', 'colorize', 'sketches'), link('colorize', 'frames', 'save', 'frames'));
  } else {
    nodes.push(node('sample', 'lvcd/sample', sampling), node('decode', 'lvcd/decode'));
    links.push(link('models', 'models', 'sample', 'models'), link('reference', 'image', 'sample', 'reference'), link('lineart', 'sketches', 'sample', 'sketches'), link('sample', 'latents', 'decode', 'latents'), link('decode', 'frames', 'save', 'frames'));
  }
  return workflow(nodes, links);
}

async function run(document: unknown, signal = new AbortController().signal, onEvent?: (e: ExecutionEvent) => void) {
  return runWorkflow(document, deps, { signal, ...(onEvent ? { onEvent } : {}) });
}

async function outputFrames(nodeId: string, doc: unknown): Promise<FramesValue> {
  const result = await run(doc);
  expect(result.status, result.error?.message).toBe('succeeded');
  const key = result.cacheKeys[Object.keys(result.nodes).indexOf(nodeId)]!;
  return (await deps.cache.get(key))!.outputs.frames as FramesValue;
}

describe('LVCD nodes through the executor (tiny bundle, CPU)', () => {
  it('colours every frame of a 20-frame clip (padded to 25), streaming step progress and latent previews, and says so', async () => {
    const events: ExecutionEvent[] = [];
    const result = await run(lvcdWorkflow('colorize'), undefined, (e) => events.push(e));
    expect(result.status, result.error?.message).toBe('succeeded');
    const progress = events.filter((e): e is Extract<ExecutionEvent, { type: 'node:progress' }> => e.type === 'node:progress' && e.node === 'colorize');
    expect(progress.map((p) => `${p.value}/${p.max}`)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(progress[0]!.text).toMatch(/window 1\/2, step 1\/2 \(cpu\)/);
    expect(events.some((e) => e.type === 'frame' && e.node === 'colorize' && e.output === 'latent-preview')).toBe(true);
    const report = result.artifacts.find((a) => a.node === 'colorize')!.artifact;
    expect(report.meta).toMatchObject({ provider: 'cpu', windows: 2, frames: 20, clip: expect.stringMatching(/padded 20 frames to 25/) });
    const saved = result.artifacts.filter((a) => a.node === 'save');
    expect(saved.length).toBeGreaterThan(0);
  });

  it('gives what the pipeline gives when called directly on the same reference and sketches (8-bit rounding only), cond_aug included', async () => {
    const doc = lvcdWorkflow('colorize', { condAug: 0.02 });
    const frames = await outputFrames('colorize', doc);
    const result = await run(doc);
    const reference = (await deps.cache.get(result.cacheKeys[Object.keys(result.nodes).indexOf('reference')]!))!.outputs.image as { file: string };
    const sketches = (await deps.cache.get(result.cacheKeys[Object.keys(result.nodes).indexOf('lineart')]!))!.outputs.sketches as FramesValue;
    const bundle = await openLvcdBundle(join(dir, 'models', 'tiny'), 'cpu');
    const direct = async (condAug: number) => {
      const out: Float32Array[] = [];
      await colorizeClip({
        networks: bundle,
        reference: imageToChw(await decodeRgb(reference.file), '-1..1'),
        width: 128,
        height: 64,
        frameCount: 25,
        clipFrameCount: 20,
        hint: async (f) => imageToChw(await readFrame(sketches, Math.min(f, 19)), '0..1'),
        options: { ...DEFAULT_COLORIZE, numSteps: 2, prevAttnSteps: 1, motion: { ...DEFAULT_COLORIZE.motion, condAug }, decoding: { chunk: 10, overlap: 3, first: 1 } },
        onFrame: (i, f) => void (out[i] = f),
      });
      return out;
    };
    let withAug: Float32Array[];
    let withoutAug: Float32Array[];
    try {
      withAug = await direct(0.02);
      withoutAug = await direct(0);
    } finally {
      await bundle.release();
    }
    expect(frames.count).toBe(20);
    const worstAgainst = async (expected: Float32Array[]) => {
      let worst = 0;
      for (let i = 0; i < 20; i++) {
        const stored = imageToChw(await readFrame(frames, i), '-1..1');
        for (let j = 0; j < stored.length; j++) worst = Math.max(worst, Math.abs(stored[j]! - Math.min(1, Math.max(-1, expected[i]![j]!))));
      }
      return worst;
    };
    const halfStep = 1 / 127.5 + 1e-6; // half an 8-bit step each way, on a [-1, 1] scale
    expect(await worstAgainst(withAug)).toBeLessThanOrEqual(halfStep);
    // The param reaches the pipeline: without it the frames are further off than rounding explains.
    expect(await worstAgainst(withoutAug)).toBeGreaterThan(halfStep);
  });

  it('LVCD Sample then LVCD Decode equals LVCD Colorize', async () => {
    const one = await outputFrames('colorize', lvcdWorkflow('colorize'));
    const two = await outputFrames('decode', lvcdWorkflow('sample-decode'));
    expect(two.count).toBe(one.count);
    for (let i = 0; i < one.count; i++) expect((await readFrame(two, i)).data).toEqual((await readFrame(one, i)).data);
  });

  it('refuses a run that would not fit before opening any model, naming the param to change', async () => {
    process.env.LVCD_MEMORY_LIMIT_MB = '64';
    try {
      const events: ExecutionEvent[] = [];
      const result = await run(lvcdWorkflow('colorize', { seed: 5, decodeChunk: 19 }), undefined, (e) => events.push(e));
      expect(result.status).toBe('failed');
      expect(result.error).toMatchObject({ node: 'colorize', field: 'decodeChunk', message: expect.stringMatching(/LVCD Colorize would hold about .* GB at its peak .* more than the 0\.1 GB free on the CPU; lower the decode chunk \(now 19 frames/) });
      expect(events.some((e) => e.type === 'node:progress' && e.node === 'colorize')).toBe(false);
    } finally {
      delete process.env.LVCD_MEMORY_LIMIT_MB;
    }
  });

  it("maps the pipeline's refusal of a clip to the node's field: a reference of another size, too few frames without padding", async () => {
    const resized = lvcdWorkflow('colorize');
    resized.nodes.push(node('resize', 'frames/resize', { width: 128, height: 128, mode: 'stretch' }));
    resized.links = resized.links.filter((l) => !(l.to.node === 'reference'));
    resized.links.push(link('load', 'frames', 'resize', 'frames'), link('resize', 'frames', 'reference', 'frames'));
    expect((await run(resized)).error).toMatchObject({ node: 'colorize', field: 'reference', message: expect.stringMatching(/the reference is 128x128 but the sketches are 128x64/) });

    const short = lvcdWorkflow('colorize', { pad: false });
    short.nodes.push(node('select', 'frames/select', { start: 0, end: 10, stride: 1 }));
    short.links = short.links.filter((l) => !(l.to.node === 'lineart' && l.to.input === 'frames'));
    short.links.push(link('load', 'frames', 'select', 'frames'), link('select', 'frames', 'lineart', 'frames'));
    expect((await run(short)).error).toMatchObject({ node: 'colorize', field: 'pad', message: expect.stringMatching(/at least 15 frames, the clip has 10; turn on padding/) });
  });

  it('stops between sampling steps when cancelled', async () => {
    const controller = new AbortController();
    const result = await run(lvcdWorkflow('colorize', { seed: 99 }), controller.signal, (e) => e.type === 'node:progress' && e.node === 'colorize' && controller.abort());
    expect(result.status).toBe('cancelled');
    expect(result.nodes.colorize?.status).toBe('cancelled');
  });

  it('ships a template workflow that validates against the catalogue', () => {
    const doc = lvcdTemplateWorkflow({ frames: clipAsset });
    expect(validateWorkflow(doc, { specs: deps.registry.specs, assetExists: (id) => deps.assets.exists(id) }).problems).toEqual([]);
    expect(doc.nodes.map((n) => n.type)).toEqual(expect.arrayContaining(['lvcd/model-bundle', 'lvcd/lineart', 'lvcd/colorize', 'metrics/quality', 'output/save-video']));
  });

  it('refuses a bundle name that is a path, and a missing bundle, saying what to do', async () => {
    const doc = lvcdWorkflow('colorize');
    doc.nodes.find((n) => n.id === 'models')!.params.bundle = '../assets';
    const traversal = await run(doc);
    expect(traversal.status).toBe('failed');
    expect(traversal.error?.message).toMatch(/not a bundle folder name/);
    doc.nodes.find((n) => n.id === 'models')!.params.bundle = 'absent';
    const missing = await run(doc);
    expect(missing.error).toMatchObject({ node: 'models', field: 'bundle', message: expect.stringMatching(/no bundle "absent".*lvcd convert/) });
  });

  it('re-runs everything below the bundle with the new weights when a bundle is converted again into the same folder', async () => {
    await convertTiny('reconverted');
    const doc = lvcdWorkflow('colorize', {}, 'reconverted');
    const first = await run(doc);
    expect(first.status, first.error?.message).toBe('succeeded');
    expect((await run(doc)).nodes.colorize?.status).toBe('cached');
    const before = await outputFrames('colorize', doc);
    const beforeFrame = (await readFrame(before, 5)).data;

    await convertTiny('reconverted', true);
    const events: ExecutionEvent[] = [];
    const after = await run(doc, undefined, (e) => events.push(e));
    expect(after.status, after.error?.message).toBe('succeeded');
    for (const id of ['models', 'lineart', 'colorize', 'save']) expect(after.nodes[id]?.status, id).toBe('done');
    expect(after.nodes.load?.status).toBe('cached');
    // The sessions of the old conversion are not reused: the run reports the new bundle's precision...
    expect(after.artifacts.find((a) => a.node === 'colorize' && a.artifact.name === 'lvcd.json')!.artifact.meta).toMatchObject({ precision: 'fp16' });
    // ...and fp16-rounded weights give (slightly) other pixels.
    const changed = await outputFrames('colorize', doc);
    expect(Buffer.compare(Buffer.from((await readFrame(changed, 5)).data), Buffer.from(beforeFrame))).not.toBe(0);
  }, 300_000); // two conversions and five runs of the tiny bundle
});

