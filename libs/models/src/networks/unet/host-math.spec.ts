import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lvcdTinyFixturesDir } from '../../testing/fixture-paths.js';
import { SafetensorsFile } from '../../formats/index.js';
import { EdmEulerScheduler, LVCD_SCHEDULE } from '../../schedulers/edm-scheduler.js';
import { maxAbsDiff } from '../../runtime/index.js';
import { WINDOW_FRAMES } from './config.js';
import { DenoiserFeedError, denoiserFeeds } from '../../runtime/denoiser-session.js';
import { DenoiserShapeError, applyDenoiserScaling, denoiserNetworkInput, denoiserScalings, denoiserTimesteps } from '../../schedulers/denoiser.js';
import { sinusoidTable } from './embeddings.js';
import { referenceAttentionInputs } from './reference-attention-inputs.js';
import { framePositionIndices, temporalAttentionMask } from './temporal.js';

const fixtures = lvcdTinyFixturesDir();
let golden: SafetensorsFile;
let blocks: SafetensorsFile;
let cond: SafetensorsFile;

beforeAll(async () => {
  golden = await SafetensorsFile.open(path.join(fixtures, 'golden-unet.safetensors'));
  blocks = await SafetensorsFile.open(path.join(fixtures, 'golden-unet-blocks.safetensors'));
  cond = await SafetensorsFile.open(path.join(fixtures, 'golden-cond.safetensors'));
});
afterAll(async () => {
  await Promise.all([golden?.close(), blocks?.close(), cond?.close()]);
});

describe('host-side denoiser pieces', () => {
  it('c_noise per frame matches the golden', async () => {
    const sigma = (await golden.readFloat32('sigma'))[0]!;
    expect(maxAbsDiff(denoiserTimesteps(sigma, WINDOW_FRAMES), await golden.readFloat32('c_noise'))).toBeLessThanOrEqual(1e-6);
  });

  it('network input cat[c_in x, concat] matches the golden first block input', async () => {
    const sigma = (await golden.readFloat32('sigma'))[0]!;
    const input = denoiserNetworkInput(await golden.readFloat32('x'), await cond.readFloat32('c.concat'), sigma, WINDOW_FRAMES);
    expect(maxAbsDiff(input, await blocks.readFloat32('unet.input_blocks.0.in'))).toBeLessThanOrEqual(1e-6);
  });

  it('c_skip x + c_out F on the golden network output gives denoiser.normal', async () => {
    const sigma = (await golden.readFloat32('sigma'))[0]!;
    const denoised = applyDenoiserScaling(await golden.readFloat32('x'), await golden.readFloat32('apply_model.normal'), sigma);
    expect(maxAbsDiff(denoised, await golden.readFloat32('denoiser.normal'))).toBeLessThanOrEqual(1e-5);
  });

  it('scalings agree with the table of lvcd-reference.md §3.2 (6 significant digits)', () => {
    const sigmas = new EdmEulerScheduler({ ...LVCD_SCHEDULE, numSteps: 25 }).sigmas;
    // rows i = 0, 15, 24: [c_skip, c_out, c_in, c_noise]
    const table: [number, number[]][] = [
      [0, [2.04081e-6, -0.999999, 0.00142857, 1.63777]],
      [15, [0.0625995, -0.968194, 0.250199, 0.338294]],
      [24, [0.999996, -0.002, 0.999998, -1.553652]],
    ];
    for (const [i, expected] of table) {
      const s = denoiserScalings(sigmas[i]!);
      [s.cSkip, s.cOut, s.cIn, s.cNoise].forEach((v, j) => expect(Math.abs(v - expected[j]!)).toBeLessThanOrEqual(5e-6 * Math.max(1, Math.abs(expected[j]!))));
    }
  });

  it('rejects mismatched buffers', () => {
    expect(() => applyDenoiserScaling(new Float32Array(4), new Float32Array(3), 1)).toThrow(DenoiserShapeError);
    expect(() => denoiserNetworkInput(new Float32Array(5), new Float32Array(4), 1, 2)).toThrow(DenoiserShapeError);
  });
});

describe('sinusoidal embeddings and temporal masks', () => {
  it('the golden vector condition is three 256-d embeddings of fps_id 6, motion bucket 160, cond_aug 0', async () => {
    const row = sinusoidTable([6, 160, 0], 256);
    const vector = await cond.readFloat32('c.vector');
    const expected = new Float32Array(WINDOW_FRAMES * 768);
    for (let t = 0; t < WINDOW_FRAMES; t++) expected.set(row, t * 768);
    expect(maxAbsDiff(expected, vector)).toBeLessThanOrEqual(1e-5);
  });

  it('frame positions are [0 x 5, 0..13] (QUIRK of the T > 14 branch)', () => {
    expect(framePositionIndices()).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('temporal mask isolates positions 0..4 and lets 5..18 see each other only', () => {
    const m = temporalAttentionMask();
    const allowed = (i: number, j: number) => m[i * 19 + j] === 0;
    expect(allowed(2, 2)).toBe(true);
    expect(allowed(2, 3)).toBe(false);
    expect(allowed(0, 5)).toBe(false);
    expect(allowed(5, 0)).toBe(false);
    expect(allowed(5, 18)).toBe(true);
    expect(allowed(18, 5)).toBe(true);
    expect(m.filter((v) => v === 0).length).toBe(5 + 14 * 14);
  });
});

describe('denoiser feeds', () => {
  it('rejects buffers that do not form the declared shapes', () => {
    const ok = {
      input: new Float32Array(19 * 8 * 2 * 2), latentHeight: 2, latentWidth: 2, timesteps: new Float32Array(19),
      context: new Float32Array(19 * 64), vector: new Float32Array(19 * 768), hint: new Float32Array(19 * 3 * 16 * 16),
      reference: referenceAttentionInputs('normal', 0, 25),
    };
    expect(denoiserFeeds(ok)['hint']!.dims).toEqual([19, 3, 16, 16]);
    expect(() => denoiserFeeds({ ...ok, input: new Float32Array(19 * 8 * 2 * 2 + 1) })).toThrow(DenoiserFeedError);
    expect(() => denoiserFeeds({ ...ok, hint: new Float32Array(19 * 16 * 16 * 2.5) })).toThrow(DenoiserFeedError);
    expect(() => denoiserFeeds({ ...ok, timesteps: new Float32Array(18) })).toThrow(DenoiserFeedError);
  });
});
