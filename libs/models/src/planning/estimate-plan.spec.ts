import { describe, expect, it } from 'vitest';
import { LVCD_REAL_CONFIG } from '../networks/unet/config.js';
import { planDecodeChunks } from '../pipelines/lvcd/decode-plan.js';
import { outputFrameCount, paddedFrameCount, windowCount } from '../pipelines/lvcd/window-plan.js';
import type { ModelRecord } from '../runtime/bundle-manifest.js';
import { CALIBRATION } from './calibration.js';
import { estimatePlan, type PlanRequest } from './estimate-plan.js';
import { decoderChunkCost, denoiserStepCost } from './network-cost.js';

const GIB = 2 ** 30;
const record = (dataBytes: number) => ({ dataBytes }) as ModelRecord;
const realVae = { ch: 128, chMult: [1, 2, 4, 4], numResBlocks: 2, zChannels: 4, videoKernelSize: [3, 1, 1] } as const;

/** The released LVCD at 576x320 as a bundle manifest would describe it (2.2 B denoiser parameters in fp32). */
function realRequest(overrides: Partial<PlanRequest> = {}): PlanRequest {
  return {
    manifest: {
      precision: 'fp32',
      models: { denoiser: record(8.83e9), vae_decoder: record(0.2e9), vae_encoder: record(0.14e9), cond_encoder: record(0.14e9), clip_visual: record(2.5e9) },
      config: { denoiser: LVCD_REAL_CONFIG, vaeEncoder: realVae, vaeDecoder: realVae, scaleFactor: 0.18215 } as unknown as PlanRequest['manifest']['config'],
    },
    width: 576,
    height: 320,
    frames: 48,
    pad: true,
    steps: 25,
    decoding: { chunk: 10, overlap: 3 },
    provider: 'cpu',
    deviceMemoryBytes: 64 * GIB,
    ...overrides,
  };
}

describe('the hint encoder apart (format 2 bundles)', () => {
  it('is costed once per window instead of at every step', () => {
    const step = denoiserStepCost(LVCD_REAL_CONFIG, { frames: 19, latentHeight: 40, latentWidth: 72 });
    expect(step.hintEncoderMacs).toBeGreaterThan(0);
    expect(step.hintEncoderMacs).toBeLessThan(step.macs / 100);
    const inside = estimatePlan(realRequest());
    const base = realRequest();
    const apart = estimatePlan({ ...base, manifest: { ...base.manifest, models: { ...base.manifest.models, hint_encoder: record(1e6) } } });
    const rate = CALIBRATION.cpu.macsPerSecond;
    expect(inside.stepSeconds - apart.stepSeconds).toBeCloseTo(step.hintEncoderMacs / rate, 6);
    expect(inside.windowSeconds - apart.windowSeconds).toBeCloseTo((25 - 1) * (step.hintEncoderMacs / rate), 6);
  });
});

describe('network cost', () => {
  it('counts the released denoiser at about 12 T multiply-accumulates per step at 576x320 (2 x 6 T of UNet + ControlNet)', () => {
    const step = denoiserStepCost(LVCD_REAL_CONFIG, { frames: 19, latentHeight: 40, latentWidth: 72 });
    expect(step.macs / 1e12).toBeGreaterThan(10);
    expect(step.macs / 1e12).toBeLessThan(14);
    // Plain attention holds score and softmax matrices of 2 x heads x 2,880 x 5,760 per frame at level 0: gigabytes.
    expect(step.attentionScoreValues * 4).toBeGreaterThan(10 * GIB);
  });

  it('grows linearly with the pixels in every convolution, and faster where attention is (tokens x keys)', () => {
    const small = denoiserStepCost(LVCD_REAL_CONFIG, { frames: 19, latentHeight: 20, latentWidth: 36 });
    const large = denoiserStepCost(LVCD_REAL_CONFIG, { frames: 19, latentHeight: 40, latentWidth: 72 });
    expect(large.macs / small.macs).toBeGreaterThan(4);
    expect(large.macs / small.macs).toBeLessThan(16);
    const chunk = (n: number) => decoderChunkCost(realVae, n, 40, 72);
    expect(chunk(10).macs / chunk(5).macs).toBeCloseTo(2, 5);
    expect(chunk(10).liveValues / chunk(5).liveValues).toBeCloseTo(2, 5);
  });
});

describe('estimatePlan', () => {
  it('plans the windows and output frames the pipeline will run', () => {
    const plan = estimatePlan(realRequest({ frames: 48 }));
    expect(plan.windows).toBe(windowCount(paddedFrameCount(48)));
    expect(plan.outputFrames).toBe(Math.min(48, outputFrameCount(plan.windows)));
    expect(plan.totalSeconds).toBeCloseTo(plan.windows * plan.windowSeconds + plan.decodeSeconds, 6);
    expect(plan.windowSeconds).toBeCloseTo(25 * plan.stepSeconds, 6);
    // Decoding is costed over the pipeline's own chunks: 48 frames in chunks of 10 led by the reference, 3 overlapping.
    expect(plan.decodeChunks).toBe(planDecodeChunks(outputFrameCount(plan.windows), { chunk: 10, overlap: 3, first: 1 }, 48).length);
    expect(plan.decodeSeconds).toBeCloseTo(plan.decodeChunks * plan.chunkSeconds, 6);
  });

  it('adds the weights, the runtime and the larger of a denoiser step and a decode chunk', () => {
    const plan = estimatePlan(realRequest());
    expect(plan.weightsBytes).toBe(8.83e9 + 0.2e9 + 0.14e9 + 0.14e9 + 2.5e9);
    expect(plan.peakBytes).toBe(CALIBRATION.cpu.runtimeBytes + plan.weightsBytes + Math.max(plan.denoiserPeakBytes, plan.decoderPeakBytes));
    const fp16 = estimatePlan(realRequest({ manifest: { ...realRequest().manifest, precision: 'fp16' } }));
    expect(fp16.weightsBytes).toBe(plan.weightsBytes * CALIBRATION.cpu.fp16StorageWeightFactor);
    // fp16 compute (on CUDA) holds its weights as stored and its activations in half the bytes.
    const cuda = { provider: 'cuda' as const };
    const fp32Cuda = estimatePlan(realRequest(cuda));
    const computeCuda = estimatePlan(realRequest({ ...cuda, manifest: { ...realRequest().manifest, precision: 'fp16-compute' } }));
    expect(computeCuda.weightsBytes).toBe(fp32Cuda.weightsBytes);
    expect(computeCuda.denoiserPeakBytes).toBe(fp32Cuda.denoiserPeakBytes / 2);
    expect(computeCuda.decoderPeakBytes).toBe(fp32Cuda.decoderPeakBytes / 2);
  });

  it('refuses what does not fit and says what to change, the decode chunk first when decoding is the peak', () => {
    const ok = estimatePlan(realRequest());
    expect(ok.fits).toBe(true);
    expect(ok.advice).toEqual([]);
    const tight = estimatePlan(realRequest({ deviceMemoryBytes: ok.peakBytes - 1, decoding: { chunk: 19, overlap: 3 } }));
    expect(tight.fits).toBe(false);
    expect(tight.decoderPeakBytes).toBeGreaterThan(tight.denoiserPeakBytes);
    expect(tight.advice.map((a) => a.change)).toEqual(['decodeChunk', 'size', 'worker']);
    expect(tight.advice[0]!.text).toMatch(/lower the decode chunk \(now 19 frames/);
  });

  it('holds the attention score matrices only when attention is plain', () => {
    const fused = estimatePlan(realRequest());
    const plain = estimatePlan(realRequest({ attention: 'plain' }));
    const step = denoiserStepCost(LVCD_REAL_CONFIG, { frames: 19, latentHeight: 40, latentWidth: 72 });
    expect(plain.denoiserPeakBytes - fused.denoiserPeakBytes).toBe(4 * step.attentionScoreValues);
  });
});
