import { DEFAULT_MOTION, motionVector, type MotionConditions } from './conditioning.js';
import { DecodeStream, type VideoDecoder } from './decode-stream.js';
import type { DecodeChunkConfig } from './decode-plan.js';
import { lvcdConditioningFrameNoise, lvcdInitialNoise } from '../../random/lvcd-noise.js';
import { sampleClip, throwIfSamplingCancelled, type DenoiserNetwork, type ReferenceMode, type SampleRequest, type SamplerWindowEnd, type SamplingProgress } from './sampler.js';
import type { WindowCheckpoint } from './window-checkpoint.js';
import { outputFrameCount, windowCount, WINDOW } from './window-plan.js';
import { checkFrameSize, checkGeometry, ClipInputError } from './check-inputs.js';
import { latentSize, type LvcdGeometry } from './geometry.js';
import { bundleGeometry, type BundleManifest } from '../../runtime/bundle-manifest.js';

/** The five networks of LVCD as the pipeline uses them; ONNX sessions implement them (runtime adapters). */
export interface LvcdNetworks {
  /** The bundle's manifest: the pipeline shapes its tensors by the geometry recorded there (bundleGeometry). */
  readonly manifest: Pick<BundleManifest, 'config'>;
  /** CLIP image embedding of the reference (3, H, W) in [-1, 1]: the single context token (D). */
  embedReference(reference: Float32Array, height: number, width: number): Promise<Float32Array>;
  /** The conditioner's encoder, posterior mode, unscaled (4, h, w): window 0's concat. */
  encodeReferenceMode(reference: Float32Array, height: number, width: number): Promise<Float32Array>;
  /** The first-stage encoder's posterior (4, h, w) each; the pipeline samples it. */
  encodeReferencePosterior(reference: Float32Array, height: number, width: number): Promise<{ mean: Float32Array; logvar: Float32Array }>;
  /** The ControlNet + UNet bound to this clip's context token, motion vector and latent size. */
  denoiser(context: Float32Array, vector: Float32Array, latentHeight: number, latentWidth: number): DenoiserNetwork;
  decoder: VideoDecoder;
}

export interface ColorizeOptions {
  numSteps: number;
  /** What the seed means in the original: torch.manual_seed(seed) on PyTorch's CPU generator (random/lvcd-noise.ts). */
  seed: number;
  prevAttnSteps: number;
  laterWindowMode: ReferenceMode;
  motion: MotionConditions;
  decoding?: DecodeChunkConfig;
}

export const DEFAULT_COLORIZE: ColorizeOptions = { numSteps: 25, seed: 1234, prevAttnSteps: 25, laterWindowMode: 'prevref', motion: DEFAULT_MOTION };

export interface SampleClipRequest {
  networks: LvcdNetworks;
  /** The coloured reference frame (3, H, W) in [-1, 1]. */
  reference: Float32Array;
  height: number;
  width: number;
  /** Frames the windows cover: the clip, or the clip padded by repeating its last sketch. */
  frameCount: number;
  /** The clip's own length when frameCount pads it: the frames the original gives for it keep its values and decoding. */
  clipFrameCount?: number;
  /** The control hint of a clip frame (3, H, W): the sketch in [0, 1], white paper, dark lines. */
  hint(frame: number): Promise<Float32Array>;
  options: ColorizeOptions;
  /** Recorded noise instead of the seed's (a recorded run): x_T (19, 4, h, w) and the posterior eps (4, h, w). */
  noise?: { xT: Float32Array; posteriorEps: Float32Array };
  signal?: AbortSignal;
  onProgress?(p: SamplingProgress): void;
  /**
   * Each output latent (scaled, (4, h, w)) once it is final, in frame order; `replayed` when it comes from a
   * checkpoint of an earlier run (see `resume`) rather than from sampling now.
   */
  onLatent(index: number, latent: Float32Array, replayed: boolean): void | Promise<void>;
  /**
   * The checkpoint an earlier run of this same request saved after window `window` (`onWindow`), if there is one.
   * Asked for windows 0, 1, ... until one is missing: their latents are replayed and sampling continues after the
   * last, with the same results as a run that never stopped.
   */
  resume?(window: number): Promise<WindowCheckpoint | undefined>;
  /** After each window: the checkpoint to save for `resume`. */
  onWindow?(checkpoint: WindowCheckpoint): void | Promise<void>;
}

export interface ColorizeRequest extends Omit<SampleClipRequest, 'onLatent'> {
  onLatent?(index: number, latent: Float32Array, replayed: boolean): void | Promise<void>;
  /** Each decoded frame (3, H, W) in [-1, 1], in order, as soon as its decoding chunk is complete; `replayed` as for latents. */
  onFrame(index: number, frame: Float32Array, replayed: boolean): void | Promise<void>;
  /**
   * A decoder elsewhere (another worker) instead of the bundle's own: chunks decode there while the next window
   * samples here, up to `ahead` chunks at once (DecodeStream). Sampling never waits for them until the clip ends.
   */
  offload?: { decoder: VideoDecoder; ahead: number };
}

export interface ClipResult {
  windows: number;
  outputFrames: number;
  /** The window sampling started at when checkpoints of an earlier run covered the ones before it. */
  resumedAt?: number;
}

export class ClipTooShortError extends ClipInputError {
  override name = 'ClipTooShortError';
  constructor(message: string) {
    super(message, 'sketches');
  }
}

/** The request's own checks (diffusers' `check_inputs` in `__call__`): what `checkInputs` saw, as tensors now. */
function checkRequest(r: SampleClipRequest, geometry: LvcdGeometry): void {
  checkGeometry(geometry);
  checkFrameSize(geometry, r.width, r.height, 'reference');
  if (r.reference.length !== 3 * r.height * r.width) {
    throw new ClipInputError(`the reference holds ${r.reference.length} values, not (3, ${r.height}, ${r.width})`, 'reference');
  }
  if (windowCount(r.frameCount) === 0) throw new ClipTooShortError(`LVCD needs at least ${WINDOW.video + 1} frames, got ${r.frameCount}; pad the clip`);
  if (r.clipFrameCount !== undefined && !(r.clipFrameCount >= 1 && r.clipFrameCount <= r.frameCount)) {
    throw new RangeError(`the clip's own length (${r.clipFrameCount}) must be between 1 and the padded frame count (${r.frameCount})`);
  }
}

/** LVCD sampling of a whole clip to latents: conditioning once, then the windows in sequence. */
export async function sampleClipLatents(r: SampleClipRequest): Promise<ClipResult> {
  const geometry = bundleGeometry(r.networks.manifest.config);
  checkRequest(r, geometry);
  const { latentHeight: h, latentWidth: w } = latentSize(geometry, r.height, r.width);
  const c = geometry.latentChannels;
  const row = c * h * w;
  if (r.noise && (r.noise.xT.length !== WINDOW.length * row || r.noise.posteriorEps.length !== row)) {
    throw new RangeError(`recorded noise must hold x_T (${WINDOW.length}, ${c}, ${h}, ${w}) and the posterior eps (${c}, ${h}, ${w})`);
  }
  const resumed = await replayCheckpoints(r);
  const common = {
    frameCount: r.frameCount,
    ...(r.clipFrameCount === undefined ? {} : { clipFrameCount: r.clipFrameCount }),
    geometry,
    latentHeight: h,
    latentWidth: w,
    hint: r.hint,
    numSteps: r.options.numSteps,
    prevAttnSteps: r.options.prevAttnSteps,
    laterWindowMode: r.options.laterWindowMode,
    ...(r.signal ? { signal: r.signal } : {}),
    ...(r.onProgress ? { onStep: r.onProgress } : {}),
    onLatent: (index: number, latent: Float32Array) => r.onLatent(index, latent, false),
  };
  let context: Float32Array;
  let referenceSampleLatent: Float32Array;
  let start: Pick<SampleRequest, 'from' | 'noise' | 'referenceModeLatent'>;
  if (resumed) {
    // The checkpoint holds the conditioning too: no encoder runs again, and window k sees exactly what it saw.
    ({ context, referenceSample: referenceSampleLatent } = resumed);
    start = { from: resumed.next, noise: resumed.next.noise };
  } else {
    const { xT, posteriorEps: eps } = r.noise ?? lvcdInitialNoise(r.options.seed, WINDOW.length, c, h, w);
    throwIfSamplingCancelled(r.signal);
    context = await r.networks.embedReference(r.reference, r.height, r.width);
    throwIfSamplingCancelled(r.signal);
    const referenceModeLatent = await r.networks.encodeReferenceMode(conditioningFrame(r), r.height, r.width);
    throwIfSamplingCancelled(r.signal);
    const posterior = await r.networks.encodeReferencePosterior(r.reference, r.height, r.width);
    referenceSampleLatent = samplePosterior(posterior.mean, posterior.logvar, eps);
    start = { referenceModeLatent, noise: xT };
  }
  const result = await sampleClip({
    ...common,
    ...start,
    network: r.networks.denoiser(context, motionVector(r.options.motion), h, w),
    referenceSampleLatent,
    ...(r.onWindow ? { onWindow: (end: SamplerWindowEnd) => r.onWindow!({ ...end, context, referenceSample: referenceSampleLatent }) } : {}),
  });
  return resumed ? { ...result, resumedAt: resumed.next.window } : result;
}

/** Replays the latents of every checkpoint `resume` has, in order; returns the last one, which sampling continues from. */
async function replayCheckpoints(r: SampleClipRequest): Promise<WindowCheckpoint | undefined> {
  let last: WindowCheckpoint | undefined;
  for (let window = 0; r.resume && window < windowCount(r.frameCount); window++) {
    const checkpoint = await r.resume(window);
    if (!checkpoint) break;
    const expected = last?.next.emitted ?? 0;
    if (checkpoint.window !== window || checkpoint.firstLatent !== expected) {
      throw new RangeError(`checkpoint ${window} holds window ${checkpoint.window} from latent ${checkpoint.firstLatent}, not from latent ${expected}`);
    }
    for (const [i, latent] of checkpoint.latents.entries()) await r.onLatent(checkpoint.firstLatent + i, latent, true);
    last = checkpoint;
  }
  return last;
}

/**
 * Reference-based colorization of a whole clip: latents sampled window by window and each decoded in chunks
 * as soon as it is final, so frames stream out while later windows run and memory stays flat.
 */
export async function colorizeClip(r: ColorizeRequest): Promise<ClipResult> {
  const total = outputFrameCount(windowCount(r.frameCount));
  const original = r.clipFrameCount === undefined ? total : outputFrameCount(windowCount(r.clipFrameCount));
  const decode = new DecodeStream({
    decoder: r.offload?.decoder ?? r.networks.decoder,
    ahead: r.offload?.ahead ?? 0,
    scaleFactor: bundleGeometry(r.networks.manifest.config).scaleFactor,
    totalLatents: total,
    config: r.options.decoding,
    onFrame: r.onFrame,
    originalLatents: original,
    signal: r.signal,
  });
  const result = await sampleClipLatents({
    ...r,
    onLatent: async (index, latent, replayed) => {
      await r.onLatent?.(index, latent, replayed);
      await decode.push(index, latent, replayed);
    },
  });
  await decode.flush();
  return result;
}

/**
 * The original's `cond_frames`: the reference plus cond_aug times noise of its shape, drawn right after the
 * window's `seed_everything(seed)` (the same noise in every window). Only window 0's concat is encoded from it;
 * later windows get their concat explicitly, and CLIP and the first-stage encoder see the clean reference.
 */
function conditioningFrame(r: SampleClipRequest): Float32Array {
  const condAug = r.options.motion.condAug;
  if (!Number.isFinite(condAug) || condAug < 0) throw new RangeError(`cond_aug must be a number >= 0, got ${condAug}`);
  if (condAug === 0) return r.reference;
  const noise = lvcdConditioningFrameNoise(r.options.seed, r.height, r.width);
  const out = new Float32Array(r.reference.length);
  for (let i = 0; i < out.length; i++) out[i] = r.reference[i]! + Math.fround(Math.fround(condAug) * noise[i]!);
  return out;
}

/** mean + exp(logvar / 2) eps, with logvar clamped to [-30, 20] as the original's diagonal Gaussian. */
export function samplePosterior(mean: Float32Array, logvar: Float32Array, eps: Float32Array): Float32Array {
  if (logvar.length !== mean.length || eps.length !== mean.length) throw new RangeError(`the posterior's mean, logvar and noise hold ${mean.length}, ${logvar.length} and ${eps.length} values`);
  const out = new Float32Array(mean.length);
  for (let i = 0; i < mean.length; i++) out[i] = mean[i]! + Math.exp(0.5 * Math.min(20, Math.max(-30, logvar[i]!))) * eps[i]!;
  return out;
}
