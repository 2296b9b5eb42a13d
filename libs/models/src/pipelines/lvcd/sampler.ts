import { applyDenoiserScaling, denoiserNetworkInput, denoiserScalings } from '../../schedulers/denoiser.js';
import { EdmEulerScheduler, LVCD_SCHEDULE } from '../../schedulers/edm-scheduler.js';
import { BLEND_SOURCE_POSITIONS, BLENDED_POSITIONS, WINDOW, carryNoise, planWindows, windowCount, type WindowPlan } from './window-plan.js';

/** Latent scale factor of the SVD VAE: diffusion runs on latents x 0.18215. */
export const LATENT_SCALE = 0.18215;

export type ReferenceMode = 'normal' | 'prevref';

/**
 * The reference-attention inputs of one step: `normal` (window 0, or prevref turned off), `prevref`
 * (later windows while step < prev_attn_steps: previous-reference indices and the amplification bias),
 * `prevref-late` (later windows after that: normal indices, the bias still on).
 */
export type ReferenceAttention = 'normal' | 'prevref' | 'prevref-late';

/** One network evaluation: what the ControlNet + UNet needs for a window at one step. */
export interface DenoiserStep {
  /** (19, 8, h, w): c_in x on channels 0..3, the concat latent on 4..7. */
  input: Float32Array;
  /** c_noise, the same for every position. */
  cNoise: number;
  /** (19, 3, H, W): the control hints of the window's frames. */
  hint: Float32Array;
  /** Which reference-attention inputs the network sets for this step. */
  attention: ReferenceAttention;
}

/** The ControlNet + UNet, called once per step; returns the raw network output F (19, 4, h, w). */
export interface DenoiserNetwork {
  run(step: DenoiserStep): Promise<Float32Array>;
}

export interface SampleRequest {
  network: DenoiserNetwork;
  /** Frames the windows cover: the clip, or the clip padded by repeating its last sketch. */
  frameCount: number;
  /**
   * The clip's own length when frameCount pads it. The frames the original gives for this length keep the
   * original's values: the window that ends them is their last, and later windows add only frames after them.
   */
  clipFrameCount?: number;
  latentHeight: number;
  latentWidth: number;
  /** Window 0's concat: the conditioner encoder's posterior mode of the reference, unscaled (4, h, w). */
  referenceModeLatent: Float32Array;
  /** Later windows' concat and output frame 0: the first-stage encoder's posterior sample, unscaled (4, h, w). */
  referenceSampleLatent: Float32Array;
  /** The control hint of a clip frame (3, H, W). */
  hint(frame: number): Promise<Float32Array>;
  /** x_T, unit Gaussian (19, 4, h, w). */
  noise: Float32Array;
  numSteps: number;
  /** Steps of each later window that use previous-reference attention indices (the bias stays on). */
  prevAttnSteps: number;
  /** Attention mode of windows after the first. */
  laterWindowMode: ReferenceMode;
  signal?: AbortSignal;
  /** After each step: where sampling is, and the step's denoised estimate (19, 4, h, w) for previews. */
  onStep?(progress: SamplingProgress): void;
  /** Called with each output latent (scaled, (4, h, w)) once it is final, in frame order. */
  onLatent(index: number, latent: Float32Array): void | Promise<void>;
}

export interface SamplingProgress {
  window: number;
  windows: number;
  step: number;
  steps: number;
  /** The clip frame at the window's first video position (position 5). */
  firstFrame: number;
  denoised: Float32Array;
}

export class SamplingCancelledError extends Error {
  override name = 'SamplingCancelledError';
  constructor() {
    super('sampling was cancelled');
  }
}

/**
 * LVCD's overlapped sequential sampling: window after window of 19 positions, Euler steps over the EDM
 * schedule, x0 blending of the overlap positions from the previous window's denoised values at the same
 * step, noise carried over so re-generated frames keep their noise, results stitched and emitted as soon as
 * no later window can replace them. Holds two windows of state at most, whatever the clip length.
 */
export async function sampleClip(r: SampleRequest): Promise<{ windows: number; outputFrames: number }> {
  const plans = planWindows(r.frameCount);
  if (plans.length === 0) throw new RangeError(`LVCD needs at least ${WINDOW.video + 1} frames, got ${r.frameCount}`);
  const scheduler = new EdmEulerScheduler({ ...LVCD_SCHEDULE, numSteps: r.numSteps });
  const row = 4 * r.latentHeight * r.latentWidth;
  let noise = r.noise;
  let previousStore: Float32Array[] | undefined;
  let previousTail: Float32Array | undefined;
  let emitted = 0;
  const originalWindows = r.clipFrameCount === undefined ? plans.length : windowCount(r.clipFrameCount);

  for (const plan of plans) {
    const concat = windowConcat(plan, r, previousTail, row);
    const hint = await windowHint(plan, r);
    const mode: ReferenceMode = plan.index === 0 ? 'normal' : r.laterWindowMode;
    const x = scheduler.scaleInitialNoise(Float32Array.from(noise));
    const store: Float32Array[] = [];
    for (let step = 0; step < r.numSteps; step++) {
      if (r.signal?.aborted) throw new SamplingCancelledError();
      const sigma = scheduler.sigmas[step]!;
      const input = denoiserNetworkInput(x, concat, sigma, WINDOW.length);
      const attention: ReferenceAttention = mode === 'normal' ? 'normal' : step < r.prevAttnSteps ? 'prevref' : 'prevref-late';
      const output = await r.network.run({ input, cNoise: denoiserScalings(sigma).cNoise, hint, attention });
      const denoised = applyDenoiserScaling(x, output, sigma);
      // Only positions 15..18 of each step are needed by the next window's blending.
      store.push(denoised.slice(BLEND_SOURCE_POSITIONS[0] * row));
      if (previousStore && step < WINDOW.blendSteps) {
        BLENDED_POSITIONS.forEach((p, k) => denoised.set(previousStore![step]!.subarray(k * row, (k + 1) * row), p * row));
      }
      scheduler.step(x, denoised, step);
      r.onStep?.({ window: plan.index, windows: plans.length, step, steps: r.numSteps, firstFrame: plan.start, denoised });
    }
    // The original's last window ends its output; a padding window only appends to it.
    const endsOutput = plan.index === plans.length - 1 || plan.index === originalWindows - 1;
    emitted = await emitFinalLatents(plan, x, r, row, emitted, endsOutput);
    previousStore = store;
    previousTail = x.slice(BLEND_SOURCE_POSITIONS[0] * row);
    noise = carryNoise(noise, row);
  }
  return { windows: plans.length, outputFrames: emitted };
}

/**
 * Window 0's results are [reference sample x scale, x0[5..18]]; each later window replaces the previous
 * window's last 4 and appends 10. So the last 4 of a window become final only when the next one ends.
 */
async function emitFinalLatents(plan: WindowPlan, x0: Float32Array, r: SampleRequest, row: number, emitted: number, endsOutput: boolean): Promise<number> {
  if (plan.index === 0) {
    const first = new Float32Array(row);
    for (let i = 0; i < row; i++) first[i] = r.referenceSampleLatent[i]! * LATENT_SCALE;
    await r.onLatent(0, first);
    emitted = 1;
  }
  const videoStart = WINDOW.length - WINDOW.video; // position 5
  const finalUpTo = endsOutput ? plan.end : plan.end - WINDOW.overlap;
  for (let frame = emitted; frame < finalUpTo; frame++) {
    const position = videoStart + (frame - plan.start);
    await r.onLatent(frame, x0.slice(position * row, (position + 1) * row));
  }
  return finalUpTo;
}

function windowConcat(plan: WindowPlan, r: SampleRequest, previousTail: Float32Array | undefined, row: number): Float32Array {
  const concat = new Float32Array(WINDOW.length * row);
  for (let p = 0; p < WINDOW.length; p++) {
    if (plan.index === 0) concat.set(r.referenceModeLatent, p * row);
    else if (p >= 1 && p <= WINDOW.overlap) {
      const tail = previousTail!.subarray((p - 1) * row, p * row);
      for (let i = 0; i < row; i++) concat[p * row + i] = tail[i]! / LATENT_SCALE;
    } else concat.set(r.referenceSampleLatent, p * row);
  }
  return concat;
}

async function windowHint(plan: WindowPlan, r: SampleRequest): Promise<Float32Array> {
  const hints = await Promise.all(plan.frames.map((f) => r.hint(f)));
  const size = hints[0]!.length;
  const out = new Float32Array(WINDOW.length * size);
  hints.forEach((h, p) => out.set(h, p * size));
  return out;
}
