import { planDecodeChunks } from '../pipelines/lvcd/decode-plan.js';
import { outputFrameCount, paddedFrameCount, windowCount } from '../pipelines/lvcd/window-plan.js';
import { bundleGeometry, type BundleManifest } from '../runtime/bundle-manifest.js';
import { latentSize } from '../pipelines/lvcd/geometry.js';
import { CALIBRATION, type ProviderCalibration } from './calibration.js';
import { decoderChunkCost, denoiserStepCost, type PassCost } from './network-cost.js';

export interface PlanRequest {
  /** The bundle's manifest: architecture and geometry, frame size its CLIP graph was built for, model sizes, precision. */
  manifest: Pick<BundleManifest, 'config' | 'models' | 'precision'>;
  width: number;
  height: number;
  /** Frames of the clip (padded to whole windows when `pad`). */
  frames: number;
  pad: boolean;
  steps: number;
  /** How the run decodes; absent for a run that only samples (LVCD Sample), which then holds no decode chunk. */
  decoding?: { chunk: number; overlap: number };
  /** The bundle is open already (its weights are held, not free): only what the run adds must fit. */
  weightsResident?: boolean;
  provider: 'cpu' | 'cuda';
  /** Memory the run may use on its device: free host memory on the CPU, free GPU memory on CUDA. */
  deviceMemoryBytes: number;
  /** Attention as fused kernels (the default graphs) or plain MatMul-Softmax-MatMul. */
  attention?: 'fused' | 'plain';
}

export interface PlanAdvice {
  /** What to change: a node param, the bundle, or where it runs. */
  change: 'decodeChunk' | 'size' | 'precision' | 'worker';
  text: string;
}

export interface PlanEstimate {
  windows: number;
  outputFrames: number;
  /** The bundle's weights in memory while the run works (all of its models, at compute precision). */
  weightsBytes: number;
  denoiserPeakBytes: number;
  decoderPeakBytes: number;
  /**
   * What the run adds at its peak: the runtime, the weights unless resident, and the larger of a denoiser step and a
   * decode chunk.
   */
  peakBytes: number;
  stepSeconds: number;
  windowSeconds: number;
  /** Decode chunks of the whole clip, and the time of one. */
  decodeChunks: number;
  chunkSeconds: number;
  decodeSeconds: number;
  totalSeconds: number;
  fits: boolean;
  /** Ways to make it fit, most effective first (empty when it fits). */
  advice: PlanAdvice[];
  /** Where the figures come from. */
  basis: string;
}

const GIB = 2 ** 30;
const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GB`;

function weightsBytes(manifest: PlanRequest['manifest'], c: ProviderCalibration): number {
  let bytes = 0;
  for (const m of Object.values(manifest.models)) if (m) bytes += m.dataBytes;
  // fp16 storage computes in float32 on the CPU: ONNX Runtime folds the casts, so the weights sit there twice as wide.
  return manifest.precision === 'fp16' ? bytes * c.fp16StorageWeightFactor : bytes;
}

/**
 * Time of a pass's work apart from its fixed overhead: its multiply-accumulates, attention scores and written
 * values, each at the provider's rate for it (network-cost's PassCost says what each is). Summed, because a pass
 * runs its ops one after another and each is bound by one of the three: the convolutions and linear layers by the
 * multiply units, attention by its per-score softmax, the norms, activations and transposes by memory. No single
 * MAC rate fits both the tiny bundle and the released model: the tiny one's MACs are a small share of its time.
 */
export function passSeconds(c: ProviderCalibration, cost: Pick<PassCost, 'macs' | 'attentionScores' | 'writtenValues'>): number {
  return cost.macs / c.macsPerSecond + cost.attentionScores / c.attentionScoresPerSecond + cost.writtenValues / c.writtenValuesPerSecond;
}

/**
 * Before a run: how much memory it will hold at its peak and how long it will take, from the networks' shapes
 * (planning/network-cost) and per-provider constants measured on real runs (planning/calibration, docs/performance.md).
 * Pure arithmetic: nothing is opened or run.
 */
export function estimatePlan(r: PlanRequest): PlanEstimate {
  const c = CALIBRATION[r.provider];
  const { config } = r.manifest;
  const geometry = bundleGeometry(config);
  const { latentHeight, latentWidth } = latentSize(geometry, r.height, r.width);
  const frameCount = r.pad ? paddedFrameCount(r.frames) : r.frames;
  const windows = windowCount(frameCount);
  const outputFrames = Math.min(outputFrameCount(windows), r.frames);
  const step = denoiserStepCost(config.denoiser, { frames: geometry.windowFrames, latentHeight, latentWidth });
  const chunk = r.decoding ? decoderChunkCost(config.vaeDecoder, r.decoding.chunk, latentHeight, latentWidth) : undefined;

  const weights = weightsBytes(r.manifest, c);
  const plain = r.attention === 'plain';
  // fp16-compute graphs hold their activations in fp16 (only the float32 islands' Casts are wider, and brief).
  const valueBytes = r.manifest.precision === 'fp16-compute' ? 2 : 4;
  const denoiserPeak = valueBytes * (step.liveValues * c.activationFactor + (plain ? step.attentionScoreValues : 0));
  const decoderPeak = chunk ? valueBytes * chunk.liveValues * c.activationFactor : 0;
  const peakBytes = c.runtimeBytes + (r.weightsResident ? 0 : weights) + Math.max(denoiserPeak, decoderPeak);

  // A bundle with the hint encoder apart (format 2) encodes a window's sketches once, not at every step.
  const apart = r.manifest.models.hint_encoder !== undefined;
  const hintSeconds = passSeconds(c, step.hintEncoder);
  const stepSeconds = c.stepOverheadSeconds + passSeconds(c, step) - (apart ? hintSeconds : 0);
  const windowSeconds = r.steps * stepSeconds + (apart ? hintSeconds : 0);
  // The pipeline's own chunking (reference leading each chunk, overlaps, the original's frames apart from padding).
  const chunks = r.decoding ? planDecodeChunks(outputFrameCount(windows), { ...r.decoding, first: 1 }, r.pad ? Math.min(r.frames, outputFrameCount(windows)) : outputFrameCount(windows)).length : 0;
  const chunkSeconds = chunk ? c.chunkOverheadSeconds + passSeconds(c, chunk) : 0;
  const decodeSeconds = chunks * chunkSeconds;
  const totalSeconds = windows * windowSeconds + decodeSeconds;

  const fits = peakBytes <= r.deviceMemoryBytes;
  const advice: PlanAdvice[] = [];
  if (!fits) {
    const over = gib(peakBytes - r.deviceMemoryBytes);
    if (r.decoding && decoderPeak >= denoiserPeak && r.decoding.chunk > 3) {
      advice.push({ change: 'decodeChunk', text: `lower the decode chunk (now ${r.decoding.chunk} frames; each frame of it holds about ${gib(decoderPeak / r.decoding.chunk)})` });
    }
    if (r.manifest.precision !== 'fp16-compute' && r.provider === 'cuda') advice.push({ change: 'precision', text: 'convert the bundle with --precision fp16-compute (fp16 weights and activations: about half the memory on CUDA)' });
    advice.push({ change: 'size', text: `resize the clip below ${r.width}x${r.height} (memory grows with the pixel count)` });
    advice.push({ change: 'worker', text: `run it on a worker with ${gib(peakBytes)} free (${over} more than this one has)` });
  }
  return {
    windows,
    outputFrames,
    weightsBytes: weights,
    denoiserPeakBytes: denoiserPeak,
    decoderPeakBytes: decoderPeak,
    peakBytes,
    stepSeconds,
    windowSeconds,
    decodeChunks: chunks,
    chunkSeconds,
    decodeSeconds,
    totalSeconds,
    fits,
    advice,
    basis: c.basis,
  };
}
