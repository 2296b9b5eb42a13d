import { readFrame } from '@lvcd/media';
import { convertTinyBundle } from '@lvcd/models/testing';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptDemoClip, link, node, runWorkflow, workflow } from '../../testing/fixtures.js';
import { AssetStore } from '../../runtime/asset-store.js';
import type { CheckpointStore } from '../../runtime/checkpoints.js';
import type { ExecutionEvent } from '../../runtime/events.js';
import type { DecodeOffload } from '../../runtime/decode-offload.js';
import type { ExecutorDeps } from '../../runtime/executor.js';
import { FileCheckpointStore } from '../../runtime/file-checkpoint-store.js';
import { OutputCache } from '../../runtime/output-cache.js';
import type { FramesValue } from '../../runtime/values.js';
import { createBuiltinRegistry } from '../index.js';

let dir: string;
let assets: AssetStore;
let clipAsset: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvcd-resume-'));
  await convertTinyBundle(join(dir, 'models', 'tiny'), { frame: { width: 128, height: 64 } });
  assets = new AssetStore(join(dir, 'assets'));
  await assets.init();
  const clip = await adoptDemoClip(assets, dir, { frames: 20, width: 128, height: 64, seed: 3 });
  clipAsset = clip.id;
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A runtime of its own (cache and checkpoints in `name`), sharing the assets and models, as another worker would. */
function runtime(name: string): ExecutorDeps & { checkpoints: FileCheckpointStore } {
  return {
    registry: createBuiltinRegistry(),
    cache: new OutputCache(join(dir, name, 'cache'), 1e9),
    assets,
    modelsDir: join(dir, 'models'),
    checkpoints: new FileCheckpointStore(join(dir, name, 'checkpoints'), 1e9),
  };
}

/** The same store, aborting the run as soon as checkpoint `index` is on disk: a worker that dies right then. */
function abortingAfter(store: CheckpointStore, index: number, controller: AbortController): CheckpointStore {
  return {
    save: async (key, i, data) => {
      await store.save(key, i, data);
      if (i === index) controller.abort();
    },
    load: (key, i) => store.load(key, i),
    clear: (key) => store.clear(key),
  };
}

/** 20 frames (padded to 25: two windows), frame 0 as reference, classical lineart, LVCD Colorize or Sample + Decode, Save Frames. */
function lvcdWorkflow(split: boolean) {
  const sampling = { steps: 2, prevAttnSteps: 1, seed: 11 };
  const nodes = [
    node('load', 'frames/load', { frames: clipAsset, fps: 8 }),
    node('models', 'lvcd/model-bundle', { bundle: 'tiny', provider: 'cpu' }),
    node('reference', 'frames/get-frame', { index: 0 }),
    node('lineart', 'lineart/extract'),
    node('save', 'output/save-frames', { name: 'out' }),
  ];
  const links = [link('load', 'frames', 'reference', 'frames'), link('load', 'frames', 'lineart', 'frames')];
  const sampler = split ? 'sample' : 'colorize';
  nodes.push(node(sampler, `lvcd/${sampler}`, sampling));
  links.push(link('models', 'models', sampler, 'models'), link('reference', 'image', sampler, 'reference'), link('lineart', 'sketches', sampler, 'sketches'));
  if (split) nodes.push(node('decode', 'lvcd/decode')), links.push(link('sample', 'latents', 'decode', 'latents'), link('decode', 'frames', 'save', 'frames'));
  else links.push(link('colorize', 'frames', 'save', 'frames'));
  return workflow(nodes, links);
}

async function framesOf(deps: ExecutorDeps, result: Awaited<ReturnType<typeof runWorkflow>>, nodeId: string): Promise<FramesValue> {
  expect(result.status, result.error?.message).toBe('succeeded');
  const key = result.cacheKeys[Object.keys(result.nodes).indexOf(nodeId)]!;
  return (await deps.cache.get(key))!.outputs.frames as FramesValue;
}

/** Largest difference of two frame sequences in 8-bit steps, checking they have the same frames. */
async function worstDifference(a: FramesValue, b: FramesValue): Promise<number> {
  expect(a.count).toBe(b.count);
  let worst = 0;
  for (let i = 0; i < a.count; i++) {
    const [x, y] = [(await readFrame(a, i)).data, (await readFrame(b, i)).data];
    for (let j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j]! - y[j]!));
  }
  return worst;
}

const progressOf = (events: ExecutionEvent[], id: string) => events.filter((e): e is Extract<ExecutionEvent, { type: 'node:progress' }> => e.type === 'node:progress' && e.node === id);
const previewsOf = (events: ExecutionEvent[], id: string) => events.filter((e): e is Extract<ExecutionEvent, { type: 'frame' }> => e.type === 'frame' && e.node === id && e.output === 'frames').map((e) => e.index);

let uninterrupted: FramesValue | undefined;
/** The frames of the uninterrupted run (the first describe's set-up). */
const uninterruptedFrames = () => uninterrupted ?? expect.unreachable('the uninterrupted run has not run');

describe('LVCD runs resume after a crash from the last finished window (tiny bundle, CPU)', () => {
  beforeAll(async () => {
    const deps = runtime('uninterrupted');
    const events: ExecutionEvent[] = [];
    uninterrupted = await framesOf(deps, await runWorkflow(lvcdWorkflow(false), deps, { onEvent: (e) => events.push(e) }), 'colorize');
    expect(progressOf(events, 'colorize').map((p) => `${p.value}/${p.max}`)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    // Finished and cached: its checkpoints are gone.
    expect(await readdir(deps.checkpoints.dir)).toEqual([]);
  }, 240_000);

  it('LVCD Colorize stopped after window 1 continues at window 2 with the frames of a run that never stopped, each previewed once', async () => {
    const deps = runtime('colorize');
    const controller = new AbortController();
    const first: ExecutionEvent[] = [];
    const stopped = await runWorkflow(lvcdWorkflow(false), { ...deps, checkpoints: abortingAfter(deps.checkpoints, 0, controller) }, { signal: controller.signal, onEvent: (e) => first.push(e) });
    expect(stopped.nodes.colorize?.status).toBe('cancelled');
    // Window 0's checkpoint is there, whole: no temporary file is left beside it.
    const [key] = await readdir(deps.checkpoints.dir);
    expect(await readdir(join(deps.checkpoints.dir, key!))).toEqual(['0.bin']);

    // Executed again, as a worker that picks the stalled job up: upstream nodes come from the cache.
    const second: ExecutionEvent[] = [];
    const resumed = await runWorkflow(lvcdWorkflow(false), deps, { onEvent: (e) => second.push(e) });
    expect(resumed.nodes.load?.status).toBe('cached');
    const progress = progressOf(second, 'colorize');
    // Only window 2's two denoiser steps run.
    expect(progress.map((p) => `${p.value}/${p.max}`)).toEqual(['3/4', '4/4']);
    expect(progress[0]!.text).toMatch(/^window 2\/2, step 1\/2 \(cpu\), resumed at window 2 of 2/);
    expect(resumed.artifacts.find((a) => a.node === 'colorize' && a.artifact.name === 'lvcd.json')!.artifact.meta).toMatchObject({ windows: 2, frames: 20, windowsFromCheckpoints: 1 });

    const frames = await framesOf(deps, resumed, 'colorize');
    expect(frames.count).toBe(20);
    const worst = await worstDifference(frames, uninterruptedFrames());
    console.log(`LVCD Colorize resumed at window 2: largest difference from an uninterrupted run ${worst} (8-bit steps)`);
    expect(worst).toBeLessThanOrEqual(1);
    // Frames the stopped run had previewed are not previewed again; the last one is.
    const [before, after] = [previewsOf(first, 'colorize'), previewsOf(second, 'colorize')];
    expect(before.length).toBeGreaterThan(0);
    expect(after.filter((i) => before.includes(i))).toEqual([]);
    expect(after).toContain(19);
    // Finished and cached: its checkpoints are gone.
    expect(await readdir(deps.checkpoints.dir)).toEqual([]);
  }, 240_000);

  it('LVCD Sample stopped after window 1 continues at window 2, and decodes to the same frames', async () => {
    const deps = runtime('sample');
    const controller = new AbortController();
    const stopped = await runWorkflow(lvcdWorkflow(true), { ...deps, checkpoints: abortingAfter(deps.checkpoints, 0, controller) }, { signal: controller.signal });
    expect(stopped.nodes.sample?.status).toBe('cancelled');
    const events: ExecutionEvent[] = [];
    const resumed = await runWorkflow(lvcdWorkflow(true), deps, { onEvent: (e) => events.push(e) });
    expect(progressOf(events, 'sample').map((p) => p.text)).toEqual([expect.stringMatching(/resumed at window 2 of 2/), expect.stringMatching(/resumed at window 2 of 2/)]);
    expect(await worstDifference(await framesOf(deps, resumed, 'decode'), uninterruptedFrames())).toBeLessThanOrEqual(1);
  }, 240_000);
});

describe('LVCD Colorize with its decoding offloaded (another worker decodes while this one samples)', () => {
  it('keeps sampling while chunks decode elsewhere, hands every frame on in order, and reports where they went', async () => {
    const deps = runtime('offload');
    const events: ExecutionEvent[] = [];
    let outstanding = 0;
    let stepsWhileDecoding = 0;
    const asked: { bundle: string; provider: string }[] = [];
    // Another worker, as the colorize node sees it: the same decoder, answering later (a queue and another process).
    const decodeOffload: DecodeOffload = {
      ahead: 2,
      decoder: ({ dir: bundle, provider, local }) => {
        asked.push({ bundle, provider });
        let chunks = 0;
        return {
          decode: async (latents, frames) => {
            outstanding++;
            chunks++;
            await new Promise((r) => setTimeout(r, 200));
            try {
              return await local.decode(latents, frames);
            } finally {
              outstanding--;
            }
          },
          report: () => ({ chunks, elsewhere: chunks, workers: ['peer'] }),
        };
      },
    };
    const onEvent = (e: ExecutionEvent) => {
      events.push(e);
      if (e.type === 'node:progress' && e.node === 'colorize' && outstanding > 0) stepsWhileDecoding++;
    };
    const result = await runWorkflow(lvcdWorkflow(false), { ...deps, decodeOffload }, { onEvent });
    const frames = await framesOf(deps, result, 'colorize');
    expect(asked).toEqual([{ bundle: join(dir, 'models', 'tiny'), provider: 'cpu' }]);
    // Window 2 sampled while window 1's first chunk was still out.
    expect(stepsWhileDecoding).toBeGreaterThan(0);
    // Previews follow the frames' order (they are thinned out, not reordered) up to the last frame.
    const previews = previewsOf(events, 'colorize');
    expect(previews).toEqual([...previews].sort((a, b) => a - b));
    expect(previews.at(-1)).toBe(19);
    expect(frames.count).toBe(20);
    const report = result.artifacts.find((a) => a.node === 'colorize' && a.artifact.name === 'lvcd.json')!.artifact.meta;
    // 25 latents (20 frames padded to two windows) in chunks of 10 led by the reference, overlapping by 3: 4 chunks.
    expect(report?.['decoding']).toEqual({ chunks: 4, elsewhere: 4, workers: ['peer'] });
    // The same decoder on the same latents: the frames of a run that decoded each chunk before sampling on.
    expect(await worstDifference(frames, uninterruptedFrames())).toBe(0);
  }, 240_000);
});
