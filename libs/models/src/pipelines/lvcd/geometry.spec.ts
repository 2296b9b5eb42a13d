import { describe, expect, it } from 'vitest';
import { LVCD_REAL_CONFIG } from '../../networks/unet/config.js';
import { CALIBRATION } from '../../planning/calibration.js';
import { denoiserStepCost } from '../../planning/network-cost.js';
import { estimatePlan, passSeconds } from '../../planning/estimate-plan.js';
import { bundleGeometry, type ArchitectureConfig, type ModelRecord } from '../../runtime/bundle-manifest.js';
import { DEFAULT_COLORIZE, colorizeClip, sampleClipLatents, type LvcdNetworks } from './pipeline.js';
import type { DenoiserStep } from './sampler.js';

const realVae = { ch: 128, chMult: [1, 2, 4, 4], numResBlocks: 2, zChannels: 4, videoKernelSize: [3, 1, 1] };
/** A manifest's config as a bundle converted before windowFrames was recorded has it (the released model). */
const released = { vaeEncoder: realVae, vaeDecoder: realVae, denoiser: LVCD_REAL_CONFIG, scaleFactor: 0.18215 } as unknown as ArchitectureConfig;
/** A hand-made bundle of another latent space: a 3-level VAE (factor 4) with 2-channel latents, scale 0.5. */
const shallowVae = { ...realVae, chMult: [1, 2, 4], zChannels: 2 };
const other = { ...released, vaeEncoder: shallowVae, vaeDecoder: shallowVae, scaleFactor: 0.5, windowFrames: 19 } as ArchitectureConfig;

describe('bundleGeometry', () => {
  it("reads the released geometry off the manifest, and takes 19 positions for bundles that predate windowFrames", () => {
    expect(bundleGeometry(released)).toEqual({ latentFactor: 8, latentChannels: 4, scaleFactor: 0.18215, windowFrames: 19, sizeMultiple: 64 });
    expect(bundleGeometry({ ...released, windowFrames: 21 }).windowFrames).toBe(21);
  });

  it("derives another latent space from the VAE the manifest records", () => {
    expect(bundleGeometry(other)).toEqual({ latentFactor: 4, latentChannels: 2, scaleFactor: 0.5, windowFrames: 19, sizeMultiple: 32 });
  });
});

describe('the pipeline and the planner on a manifest of another geometry', () => {
  it('samples and decodes in its latent space: latent size, channels and scale factor from the manifest', async () => {
    const [height, width] = [32, 64];
    const [h, w, c] = [8, 16, 2];
    const row = c * h * w;
    const seen = { denoiser: [] as number[][], steps: [] as DenoiserStep[], decoded: [] as Float32Array[] };
    const networks: LvcdNetworks = {
      manifest: { config: other },
      embedReference: async () => new Float32Array(4),
      encodeReferenceMode: async () => new Float32Array(row).fill(0.25),
      encodeReferencePosterior: async () => ({ mean: new Float32Array(row).fill(1), logvar: new Float32Array(row) }),
      denoiser: (_context, _vector, latentHeight, latentWidth) => {
        seen.denoiser.push([latentHeight, latentWidth]);
        return { run: async (step) => (seen.steps.push(step), new Float32Array(19 * row)) };
      },
      decoder: { decode: async (latents, frames) => (seen.decoded.push(latents), new Float32Array(frames * 3 * height * width)) },
    };
    const latents: Float32Array[] = [];
    const frames: number[] = [];
    const result = await colorizeClip({
      networks,
      reference: new Float32Array(3 * height * width),
      height,
      width,
      frameCount: 15,
      hint: async () => new Float32Array(3 * height * width),
      options: { ...DEFAULT_COLORIZE, numSteps: 2 },
      // Zero posterior noise: the reference sample is its mean (1 everywhere).
      noise: { xT: new Float32Array(19 * row), posteriorEps: new Float32Array(row) },
      onLatent: (_i, latent) => void latents.push(latent),
      onFrame: (i) => void frames.push(i),
    });
    expect(result).toEqual({ windows: 1, outputFrames: 15 });
    expect(seen.denoiser).toEqual([[h, w]]);
    // x (2 channels) and the concat (2 channels) per position.
    expect(seen.steps[0]!.input).toHaveLength(19 * 2 * row);
    expect(latents).toHaveLength(15);
    expect(latents.every((l) => l.length === row)).toBe(true);
    // Frame 0 is the reference sample times the manifest's scale factor, and the decoder gets it divided by it again.
    expect([...latents[0]!]).toEqual(new Array(row).fill(0.5));
    expect([...seen.decoded[0]!.subarray(0, row)]).toEqual(new Array(row).fill(1));
    expect(frames).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('refuses a size off the manifest grid and a window the plan does not hold, naming the input', async () => {
    const networks = { manifest: { config: { ...other, windowFrames: 21 } } } as LvcdNetworks;
    const request = { networks, reference: new Float32Array(3 * 32 * 64), height: 32, width: 64, frameCount: 15, hint: async () => new Float32Array(0), options: DEFAULT_COLORIZE, onLatent: () => undefined };
    await expect(sampleClipLatents(request)).rejects.toMatchObject({ name: 'ClipInputError', input: 'networks' });
    await expect(sampleClipLatents({ ...request, networks: { manifest: { config: other } } as LvcdNetworks, width: 48, reference: new Float32Array(3 * 32 * 48) })).rejects.toMatchObject({ input: 'reference', message: expect.stringMatching(/multiples of 32, not 48x32/) });
    await expect(sampleClipLatents({ ...request, networks: { manifest: { config: other } } as LvcdNetworks, reference: new Float32Array(5) })).rejects.toMatchObject({ input: 'reference' });
  });

  it("plans with the manifest's latent factor and window", () => {
    const manifest = { precision: 'fp32' as const, models: { denoiser: { dataBytes: 1e9 } as ModelRecord }, config: other };
    const request = { manifest, width: 576, height: 320, frames: 15, pad: true, steps: 1, provider: 'cpu' as const, deviceMemoryBytes: 2 ** 40 };
    const stepSeconds = (frames: number, latentHeight: number, latentWidth: number) =>
      CALIBRATION.cpu.stepOverheadSeconds + passSeconds(CALIBRATION.cpu, denoiserStepCost(LVCD_REAL_CONFIG, { frames, latentHeight, latentWidth }));
    // 576x320 is 144x80 latents at factor 4, 72x40 at the released 8.
    expect(estimatePlan(request).stepSeconds).toBeCloseTo(stepSeconds(19, 80, 144), 9);
    expect(estimatePlan({ ...request, manifest: { ...manifest, config: released } }).stepSeconds).toBeCloseTo(stepSeconds(19, 40, 72), 9);
    expect(estimatePlan({ ...request, manifest: { ...manifest, config: { ...other, windowFrames: 21 } } }).stepSeconds).toBeCloseTo(stepSeconds(21, 80, 144), 9);
  });
});
