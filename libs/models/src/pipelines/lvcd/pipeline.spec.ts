import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lvcdTinyFixturesDir } from '../../testing/fixture-paths.js';
import { convertTinyBundle } from '../../testing/tiny-bundle.js';
import { loadGoldens, type GoldenTensor } from '../../testing/golden.js';
import { maxAbsDiff } from '../../runtime/tensors.js';
import { openLvcdBundle, type LvcdBundle } from '../../runtime/bundle-networks.js';
import { TorchGenerator } from '../../random/torch-generator.js';
import { motionVector } from './conditioning.js';
import { paddedFrameCount } from './window-plan.js';
import { colorizeClip, DEFAULT_COLORIZE, sampleClipLatents, samplePosterior, type ColorizeRequest, type LvcdNetworks } from './pipeline.js';
import { SamplingCancelledError } from './sampler.js';
import { decodeWindowCheckpoint, encodeWindowCheckpoint } from './window-checkpoint.js';

const fixtures = lvcdTinyFixturesDir();
/** The spec's tolerance for the whole long-video procedure. */
const TOLERANCE = 1e-3;
let dir: string;
let bundle: LvcdBundle;
let golden: Record<string, GoldenTensor>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-pipeline-'));
  await convertTinyBundle(dir, { frame: { width: 128, height: 64 } });
  bundle = await openLvcdBundle(dir, 'cpu');
  golden = await loadGoldens(path.join(fixtures, 'golden-sample.safetensors'));
});

afterAll(async () => {
  await bundle?.release();
  await rm(dir, { recursive: true, force: true });
});

/** The concat channels (4..7) of a denoiser input (19, 8, h, w), as (19, 4, h, w). */
function concatOf(input: Float32Array, row: number): Float32Array {
  const out = new Float32Array(19 * row);
  for (let p = 0; p < 19; p++) out.set(input.subarray(p * 2 * row + row, (p + 1) * 2 * row), p * row);
  return out;
}

const frameOf = (t: GoldenTensor, i: number) => {
  const size = t.data.length / t.dims[0]!;
  return t.data.subarray(i * size, (i + 1) * size);
};

/**
 * Runs golden-sample's clip and settings, with its recorded noise or from a seed alone, and measures the errors on
 * the 35 frames the original gives. Padded, the 39 frames become 45 (the last sketch repeated) and a 4th window runs.
 */
async function runGoldenClip(noise: 'recorded' | { seed: number }, pad = false) {
  const clipFrames = golden['sketches']!.dims[0]!;
  const windows = pad ? 4 : 3;
  const outputs = pad ? 45 : 35;
  const latents: Float32Array[] = [];
  const frames: Float32Array[] = [];
  const progress: number[] = [];
  const result = await colorizeClip({
    networks: bundle,
    reference: golden['reference_image']!.data,
    height: 64,
    width: 128,
    frameCount: pad ? paddedFrameCount(clipFrames) : clipFrames,
    ...(pad ? { clipFrameCount: clipFrames } : {}),
    hint: async (f) => frameOf(golden['sketches']!, Math.min(f, clipFrames - 1)),
    options: {
      ...DEFAULT_COLORIZE,
      numSteps: Number(golden['params.num_steps']!.data[0]),
      prevAttnSteps: Number(golden['params.prev_attn_steps']!.data[0]),
      ...(noise === 'recorded' ? {} : { seed: noise.seed }),
    },
    ...(noise === 'recorded' ? { noise: { xT: golden['x_T']!.data, posteriorEps: golden['vae_eps']!.data } } : {}),
    onProgress: (p) => progress.push(p.window * p.steps + p.step),
    onLatent: (i, latent) => void (latents[i] = latent),
    onFrame: (i, frame) => void (frames[i] = frame),
  });
  expect(result).toEqual({ windows, outputFrames: outputs });
  expect(progress).toEqual(Array.from({ length: windows * 6 }, (_, i) => i));
  expect(latents).toHaveLength(outputs);
  expect(frames).toHaveLength(outputs);
  expect(frames.every((f) => f.every(Number.isFinite))).toBe(true);
  const original = Array.from({ length: 35 }, (_, i) => i);
  return {
    latentErr: Math.max(...original.map((i) => maxAbsDiff(latents[i]!, frameOf(golden['latents']!, i)))),
    frameErr: Math.max(...original.map((i) => maxAbsDiff(frames[i]!, frameOf(golden['frames']!, i)))),
  };
}

describe('LVCD pipeline on the tiny bundle', () => {
  it('matches golden-sample latents and frames (39 frames, 3 windows, recorded x_T and posterior noise)', async () => {
    const { latentErr, frameErr } = await runGoldenClip('recorded');
    console.log(`golden-sample, recorded noise, max abs error: latents ${latentErr.toExponential(2)}, frames ${frameErr.toExponential(2)}`);
    expect(latentErr).toBeLessThanOrEqual(TOLERANCE);
    expect(frameErr).toBeLessThanOrEqual(TOLERANCE);
  });

  it("matches golden-sample from seed 1234 alone: the seed draws the original's noise", async () => {
    const { latentErr, frameErr } = await runGoldenClip({ seed: 1234 });
    console.log(`golden-sample, seed 1234, max abs error: latents ${latentErr.toExponential(2)}, frames ${frameErr.toExponential(2)}`);
    expect(latentErr).toBeLessThanOrEqual(TOLERANCE);
    expect(frameErr).toBeLessThanOrEqual(TOLERANCE);
  });

  it("padded to 45 frames, gives the original's 35 frames as the original does, then 10 more (seed 1234)", async () => {
    const { latentErr, frameErr } = await runGoldenClip({ seed: 1234 }, true);
    console.log(`golden-sample padded, seed 1234, max abs error on the original's frames: latents ${latentErr.toExponential(2)}, frames ${frameErr.toExponential(2)}`);
    expect(latentErr).toBeLessThanOrEqual(TOLERANCE);
    expect(frameErr).toBeLessThanOrEqual(TOLERANCE);
  });

  it('cond_aug as the original: the vector, and window 0 encodes reference + cond_aug x the seed\'s first (1, 3, H, W) draw', async () => {
    const condAug = 0.02;
    const reference = golden['reference_image']!.data;
    const row = 4 * 8 * 16;
    const seen = { clip: [] as Float32Array[], mode: [] as Float32Array[], posterior: [] as Float32Array[], vectors: [] as Float32Array[], concats: [] as Float32Array[] };
    // The real bundle, with each call's inputs kept to compare with the spec.
    const observed: LvcdNetworks = {
      manifest: bundle.manifest,
      embedReference: (ref, h, w) => (seen.clip.push(ref), bundle.embedReference(ref, h, w)),
      encodeReferenceMode: (ref, h, w) => (seen.mode.push(ref), bundle.encodeReferenceMode(ref, h, w)),
      encodeReferencePosterior: (ref, h, w) => (seen.posterior.push(ref), bundle.encodeReferencePosterior(ref, h, w)),
      denoiser: (context, vector, h, w) => {
        seen.vectors.push(vector);
        const network = bundle.denoiser(context, vector, h, w);
        return { run: (step) => (seen.concats.push(concatOf(step.input, row)), network.run(step)) };
      },
      decoder: bundle.decoder,
    };
    await sampleClipLatents({
      networks: observed,
      reference,
      height: 64,
      width: 128,
      frameCount: 25,
      hint: async (f) => frameOf(golden['sketches']!, f),
      options: { ...DEFAULT_COLORIZE, numSteps: 2, prevAttnSteps: 1, seed: 1234, motion: { ...DEFAULT_COLORIZE.motion, condAug } },
      onLatent: () => undefined,
    });

    // Spec 2.3: cond_frames = reference + cond_aug * randn_like(reference), the first draw after seed_everything(seed).
    const noise = new TorchGenerator(1234).randn([1, 3, 64, 128]);
    const condFrame = reference.map((v, i) => v + Math.fround(Math.fround(condAug) * noise[i]!));
    expect(seen.mode).toHaveLength(1);
    expect(maxAbsDiff(seen.mode[0]!, condFrame)).toBe(0);
    expect(maxAbsDiff(seen.mode[0]!, reference)).toBeGreaterThan(0.05);
    // CLIP and the first-stage encoder see the clean reference.
    expect(seen.clip).toEqual([reference]);
    expect(seen.posterior).toEqual([reference]);

    // Spec 2.2: the third 256 block of the vector is cond_aug's sinusoidal embedding, cos first.
    expect(seen.vectors).toHaveLength(1);
    const vector = seen.vectors[0]!;
    let vectorErr = maxAbsDiff(vector.subarray(0, 512), motionVector().subarray(0, 512));
    for (let j = 0; j < 128; j++) {
      const angle = condAug * Math.exp((-Math.log(10000) * j) / 128);
      vectorErr = Math.max(vectorErr, Math.abs(vector[512 + j]! - Math.cos(angle)), Math.abs(vector[640 + j]! - Math.sin(angle)));
    }
    expect(vectorErr).toBeLessThan(1e-6);

    // Window 0's concat, every position and step: the conditioner's encoder (mode) of the noised frame.
    const expectedConcat = await bundle.encodeReferenceMode(condFrame, 64, 128);
    expect(seen.concats).toHaveLength(4);
    for (const concat of seen.concats.slice(0, 2)) {
      for (let p = 0; p < 19; p++) expect(maxAbsDiff(concat.subarray(p * row, (p + 1) * row), expectedConcat)).toBe(0);
    }
    // Window 1's concat at positions 0 and 5..18 is the clean first-stage sample: cond_aug does not reach it.
    const posterior = await bundle.encodeReferencePosterior(reference, 64, 128);
    const firstCond = samplePosterior(posterior.mean, posterior.logvar, golden['vae_eps']!.data);
    for (const p of [0, ...Array.from({ length: 14 }, (_, i) => 5 + i)]) {
      expect(maxAbsDiff(seen.concats[2]!.subarray(p * row, (p + 1) * row), firstCond)).toBe(0);
    }
  });

  it('refuses frames of another size than the bundle was built for, saying how to fix it', async () => {
    await expect(bundle.embedReference(new Float32Array(3 * 320 * 576), 320, 576)).rejects.toThrow(/resize the clip to 128x64/);
  });

  it('resumes from the checkpoint of a finished window with the latents and frames of a run that never stopped (bit-equal), sampling only the windows left', async () => {
    const clipFrames = golden['sketches']!.dims[0]!;
    /** The tiny bundle, counting encoder calls and denoiser steps. */
    const counted = { encoders: 0, steps: 0, given: 0 };
    const networks: LvcdNetworks = {
      manifest: bundle.manifest,
      embedReference: (ref, h, w) => (counted.encoders++, bundle.embedReference(ref, h, w)),
      encodeReferenceMode: (ref, h, w) => (counted.encoders++, bundle.encodeReferenceMode(ref, h, w)),
      encodeReferencePosterior: (ref, h, w) => (counted.encoders++, bundle.encodeReferencePosterior(ref, h, w)),
      denoiser: (context, vector, h, w) => {
        const network = bundle.denoiser(context, vector, h, w);
        return { run: (step) => (counted.steps++, network.run(step)) };
      },
      decoder: bundle.decoder,
    };
    const run = async (extra: Partial<ColorizeRequest>) => {
      const latents: Float32Array[] = [];
      const frames: Float32Array[] = [];
      const replayed: number[] = [];
      Object.assign(counted, { encoders: 0, steps: 0, given: 0 });
      const result = await colorizeClip({
        networks,
        reference: golden['reference_image']!.data,
        height: 64,
        width: 128,
        frameCount: clipFrames,
        hint: async (f) => frameOf(golden['sketches']!, f),
        options: { ...DEFAULT_COLORIZE, numSteps: 3, prevAttnSteps: 2, seed: 7 },
        onLatent: (i, latent) => void (latents[i] = latent),
        onFrame: (i, frame, again) => {
          frames[i] = frame;
          counted.given++;
          if (again) replayed.push(i);
        },
        ...extra,
      });
      return { result, latents, frames, replayed, steps: counted.steps, encoders: counted.encoders };
    };

    // Uninterrupted, saving every window's checkpoint as bytes (what a node puts in its store).
    const saved = new Map<number, Uint8Array>();
    const framesAtWindowEnd: number[] = [];
    const whole = await run({ onWindow: (c) => void (saved.set(c.window, encodeWindowCheckpoint(c)), framesAtWindowEnd.push(counted.given)) });
    expect(whole.result).toEqual({ windows: 3, outputFrames: 35 });
    expect([whole.steps, whole.encoders]).toEqual([9, 3]);

    // Killed during window 1, after window 0's checkpoint was saved: the run stops there.
    const controller = new AbortController();
    const interrupted = new Map<number, Uint8Array>();
    await expect(run({ signal: controller.signal, onWindow: (c) => void (interrupted.set(c.window, encodeWindowCheckpoint(c)), controller.abort()) })).rejects.toBeInstanceOf(SamplingCancelledError);
    expect([...interrupted.keys()]).toEqual([0]);
    expect(Buffer.from(interrupted.get(0)!).equals(Buffer.from(saved.get(0)!))).toBe(true);

    // Resumed after window 0 (the killed run), after window 1, and after the last (killed before its output was kept).
    for (const [k, store] of [[1, interrupted], [2, saved], [3, saved]] as const) {
      const resumed = await run({ resume: async (window) => (window < k && store.has(window) ? decodeWindowCheckpoint(store.get(window)!) : undefined) });
      expect(resumed.result).toEqual({ windows: 3, outputFrames: 35, resumedAt: k });
      // Only the windows left are sampled, and no encoder runs: the checkpoint holds the conditioning.
      expect([resumed.steps, resumed.encoders]).toEqual([3 * (3 - k), 0]);
      for (let i = 0; i < 35; i++) {
        expect(maxAbsDiff(resumed.latents[i]!, whole.latents[i]!), `latent ${i}, resumed at window ${k}`).toBe(0);
        expect(maxAbsDiff(resumed.frames[i]!, whole.frames[i]!), `frame ${i}, resumed at window ${k}`).toBe(0);
      }
      // The frames replayed are those the stopped run had already given (its previews), each once.
      expect(resumed.replayed).toEqual(Array.from({ length: framesAtWindowEnd[k - 1]! }, (_, i) => i));
      expect(resumed.frames).toHaveLength(35);
    }
  });

  it('a cancel during a denoiser step stops before the next step and decodes nothing more, within one step of the abort', async () => {
    const clipFrames = golden['sketches']!.dims[0]!;
    const numSteps = 3;
    // Aborted while a step runs in ONNX Runtime: the last step of window 0 (whose latents would set off decoding), and a middle step of window 1.
    for (const at of [numSteps - 1, numSteps + 1]) {
      const controller = new AbortController();
      const seen = { steps: 0, stepsAfterAbort: 0, decodesAfterAbort: 0, stepMs: [] as number[] };
      let abortedAt = 0;
      const networks: LvcdNetworks = {
        manifest: bundle.manifest,
        embedReference: (ref, h, w) => bundle.embedReference(ref, h, w),
        encodeReferenceMode: (ref, h, w) => bundle.encodeReferenceMode(ref, h, w),
        encodeReferencePosterior: (ref, h, w) => bundle.encodeReferencePosterior(ref, h, w),
        denoiser: (context, vector, h, w) => {
          const network = bundle.denoiser(context, vector, h, w);
          return {
            run: async (step) => {
              if (controller.signal.aborted) seen.stepsAfterAbort++;
              const started = performance.now();
              const output = network.run(step);
              if (seen.steps++ === at) {
                controller.abort();
                abortedAt = performance.now();
              }
              const result = await output;
              seen.stepMs.push(performance.now() - started);
              return result;
            },
          };
        },
        decoder: { decode: (latents, frames) => (controller.signal.aborted && seen.decodesAfterAbort++, bundle.decoder.decode(latents, frames)) },
      };
      const run = colorizeClip({
        networks,
        reference: golden['reference_image']!.data,
        height: 64,
        width: 128,
        frameCount: clipFrames,
        hint: async (f) => frameOf(golden['sketches']!, f),
        options: { ...DEFAULT_COLORIZE, numSteps, prevAttnSteps: 2, seed: 7 },
        signal: controller.signal,
        onFrame: () => undefined,
      });
      await expect(run).rejects.toBeInstanceOf(SamplingCancelledError);
      const stoppedAfterMs = performance.now() - abortedAt;
      console.log(`cancel in step ${at}: stopped ${stoppedAfterMs.toFixed(0)} ms after the abort, slowest step ${Math.max(...seen.stepMs).toFixed(0)} ms`);
      expect([seen.steps, seen.stepsAfterAbort, seen.decodesAfterAbort], `aborted in step ${at}`).toEqual([at + 1, 0, 0]);
      // Within the step under way: the slowest step plus a little for the promise chain and the frames already decoded.
      expect(stoppedAfterMs, `aborted in step ${at}`).toBeLessThan(Math.max(...seen.stepMs) + 50);
    }
  });
});
