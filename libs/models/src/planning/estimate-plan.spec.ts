import { describe, expect, it } from 'vitest';
import { LVCD_REAL_CONFIG } from '../networks/unet/config.js';
import { planDecodeChunks } from '../pipelines/lvcd/decode-plan.js';
import { outputFrameCount, paddedFrameCount, windowCount } from '../pipelines/lvcd/window-plan.js';
import type { ModelRecord } from '../runtime/bundle-manifest.js';
import { CALIBRATION } from './calibration.js';
import { estimatePlan, passSeconds, type PlanRequest } from './estimate-plan.js';
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
    expect(step.hintEncoder.macs).toBeGreaterThan(0);
    expect(step.hintEncoder.macs).toBeLessThan(step.macs / 100);
    const inside = estimatePlan(realRequest());
    const base = realRequest();
    const apart = estimatePlan({ ...base, manifest: { ...base.manifest, models: { ...base.manifest.models, hint_encoder: record(1e6) } } });
    const hintSeconds = passSeconds(CALIBRATION.cpu, step.hintEncoder);
    expect(inside.stepSeconds - apart.stepSeconds).toBeCloseTo(hintSeconds, 6);
    expect(inside.windowSeconds - apart.windowSeconds).toBeCloseTo((25 - 1) * hintSeconds, 6);
  });

  it("counts input_hint_block's convs at their resolutions (stride 2 at the 3rd, 5th and 7th)", () => {
    // 576x320 pixels, 19 frames: 3->16 and 16->16 at full size, 16->32 (s2) and 32->32 at half, 32->96 (s2) and
    // 96->96 at a quarter, 96->256 (s2) and 256->320 at an eighth; 9 taps each.
    const pixels = 19 * 576 * 320;
    const perPixel = 9 * (3 * 16 + 16 * 16 + (16 * 32 + 32 * 32) / 4 + (32 * 96 + 96 * 96) / 16 + (96 * 256 + 256 * 320) / 64);
    const step = denoiserStepCost(LVCD_REAL_CONFIG, { frames: 19, latentHeight: 40, latentWidth: 72 });
    expect(step.hintEncoder.macs).toBe(pixels * perPixel);
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

/**
 * The estimate against every run measured so far on the CI machine (2 cores, x86, CPU provider, fused attention,
 * ORT's arena on): independent measurements, not figures taken from the estimate. Each row says where it is
 * recorded in docs/performance.md and how it was measured.
 */
describe('estimatePlan against the measured runs (docs/performance.md)', () => {
  const MIB = 2 ** 20;
  /** The tiny test bundle (fixtures' tiny-config.json) as convertBundle records it. */
  const tinyVae = { ch: 32, chMult: [1, 1, 2, 2], numResBlocks: 2, zChannels: 4, videoKernelSize: [3, 1, 1] };
  const tinyNet = { inChannels: 8, outChannels: 4, modelChannels: 32, channelMult: [1, 1, 2, 2], numResBlocks: 2, attentionResolutions: [4, 2, 1], numHeadChannels: 16, contextDim: 64, admInChannels: 768 };
  const tinyConfig = { denoiser: { unet: tinyNet, controlnet: { ...tinyNet, hintChannels: 3 } }, vaeEncoder: tinyVae, vaeDecoder: tinyVae, scaleFactor: 0.18215, windowFrames: 19 };
  /** Its models' data bytes; format 1 (the "Calibration (CPU)" runs) had the hint encoder inside the denoiser. */
  const tinyModels = { vae_encoder: record(2322464), vae_decoder: record(4228556), cond_encoder: record(2322784), clip_visual: record(633856) };
  const tinyFormat1 = { ...tinyModels, denoiser: record(25584336 + 1690560) };
  const tinyFormat2 = { ...tinyModels, denoiser: record(25584336), hint_encoder: record(1690560) };
  const manifest = (models: Record<string, ModelRecord>, config: object) => ({ precision: 'fp32', models, config }) as unknown as PlanRequest['manifest'];
  /** bench/plan-calibration.mjs's and bench/real-shape-cpu.mjs's estimate of one step and one 10-latent decode chunk. */
  const estimateOf = (m: PlanRequest['manifest'], width: number, height: number) =>
    estimatePlan({ manifest: m, width, height, frames: 15, pad: true, steps: 1, decoding: { chunk: 10, overlap: 3 }, provider: 'cpu', deviceMemoryBytes: 2 ** 40 });

  type Part = 'step' | 'decode';
  interface Measured {
    what: string;
    m: PlanRequest['manifest'];
    width: number;
    height: number;
    part: Part;
    /** Fastest and slowest run, in seconds. */
    seconds: [number, number];
    /** Whether other work loaded the machine: the time is then pessimistic, by up to 2x (docs/performance.md). */
    loaded: boolean;
    /** Peak RSS, lowest and highest run, in bytes (absent where the run's process held other sessions than a run's). */
    peak?: [number, number];
  }
  const rows: Measured[] = [
    // "Calibration (CPU)": `node bench/plan-calibration.mjs`, tiny bundle (format 1, every session open), loaded machine.
    { what: 'tiny 128x64 step', m: manifest(tinyFormat1, tinyConfig), width: 128, height: 64, part: 'step', seconds: [0.92, 1.97], loaded: true, peak: [237 * MIB, 242 * MIB] },
    { what: 'tiny 128x64 decode', m: manifest(tinyFormat1, tinyConfig), width: 128, height: 64, part: 'decode', seconds: [1.67, 3.18], loaded: true, peak: [273 * MIB, 277 * MIB] },
    { what: 'tiny 576x320 step', m: manifest(tinyFormat1, tinyConfig), width: 576, height: 320, part: 'step', seconds: [33.2, 53.5], loaded: true, peak: [1278 * MIB, 1315 * MIB] },
    { what: 'tiny 576x320 decode', m: manifest(tinyFormat1, tinyConfig), width: 576, height: 320, part: 'decode', seconds: [46.6, 70.3], loaded: true, peak: [2097 * MIB, 2211 * MIB] },
    // The same bench rerun on a format 2 bundle with sessions opened on first use (its processes hold fewer
    // sessions than a run, so their peaks are not a run's): 128x64 on the idle machine, 576x320 at load 3 to 9.
    { what: 'tiny 128x64 step (format 2)', m: manifest(tinyFormat2, tinyConfig), width: 128, height: 64, part: 'step', seconds: [0.57, 0.57], loaded: false },
    { what: 'tiny 128x64 decode (format 2)', m: manifest(tinyFormat2, tinyConfig), width: 128, height: 64, part: 'decode', seconds: [1.01, 1.01], loaded: false },
    { what: 'tiny 576x320 step (format 2)', m: manifest(tinyFormat2, tinyConfig), width: 576, height: 320, part: 'step', seconds: [15.98, 15.98], loaded: true },
    { what: 'tiny 576x320 decode (format 2)', m: manifest(tinyFormat2, tinyConfig), width: 576, height: 320, part: 'decode', seconds: [35.7, 44.4], loaded: true },
    // "Real-shape networks on the CPU": `node bench/real-shape-cpu.mjs --arena on`, idle machine, each stage in a
    // process that opens only its model (denoiser 8.53 GB, VAE decoder 0.25 GB of fp32 weights; format 2).
    { what: 'real-shape step', m: manifest({ denoiser: record(8.53e9), hint_encoder: record(0) }, { ...realRequest().manifest.config, windowFrames: 19 }), width: 576, height: 320, part: 'step', seconds: [121, 121], loaded: false, peak: [10.2 * GIB, 10.2 * GIB] },
    { what: 'real-shape decode', m: manifest({ vae_decoder: record(0.25e9) }, realRequest().manifest.config), width: 576, height: 320, part: 'decode', seconds: [137, 137], loaded: false, peak: [9.6 * GIB, 9.6 * GIB] },
  ];

  /** Time within a factor 1.5 (of the idle time, which a loaded run only bounds: between half its fastest and its fastest). */
  const TIME_FACTOR = 1.5;
  /** Peak memory within 25% of every run of the row. */
  const PEAK_TOLERANCE = 0.25;

  it.each(rows)('$what: time within a factor 1.5, peak within 25%', (row) => {
    const plan = estimateOf(row.m, row.width, row.height);
    const seconds = row.part === 'step' ? plan.stepSeconds : plan.chunkSeconds;
    const [fastest, slowest] = row.seconds;
    const idleFloor = row.loaded ? fastest / 2 : fastest;
    expect(seconds).toBeGreaterThanOrEqual(idleFloor / TIME_FACTOR);
    expect(seconds).toBeLessThanOrEqual((row.loaded ? fastest : slowest) * TIME_FACTOR);
    if (row.peak) {
      const peak = CALIBRATION.cpu.runtimeBytes + plan.weightsBytes + (row.part === 'step' ? plan.denoiserPeakBytes : plan.decoderPeakBytes);
      expect(peak).toBeGreaterThanOrEqual(row.peak[1] * (1 - PEAK_TOLERANCE));
      expect(peak).toBeLessThanOrEqual(row.peak[0] * (1 + PEAK_TOLERANCE));
    }
  });
});
