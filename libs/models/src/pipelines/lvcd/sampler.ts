import { applyDenoiserScaling, denoiserNetworkInput, denoiserScalings } from '../../schedulers/denoiser.js';
import { EdmEulerScheduler, LVCD_SCHEDULE } from '../../schedulers/edm-scheduler.js';
import type { LvcdGeometry } from './geometry.js';
import { BLEND_SOURCE_POSITIONS, BLENDED_POSITIONS, WINDOW, carryNoise, planWindows, windowCount, type WindowPlan } from './window-plan.js';

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
  /** The bundle's latent channels and scale factor. */
  geometry: Pick<LvcdGeometry, 'latentChannels' | 'scaleFactor'>;
  /** Frames the windows cover: the clip, or the clip padded by repeating its last sketch. */
  frameCount: number;
  /**
   * The clip's own length when frameCount pads it. The frames the original gives for this length keep the
   * original's values: the window that ends them is their last, and later windows add only frames after them.
   */
  clipFrameCount?: number;
  latentHeight: number;
  latentWidth: number;
  /** Window 0's concat: the conditioner encoder's posterior mode of the reference, unscaled (4, h, w); unused when `from` skips window 0. */
  referenceModeLatent?: Float32Array;
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
  /** Start at window `from.window` with what the window before it left (a checkpoint), instead of at window 0. */
  from?: SamplerCarry;
  /** After each window, once its final latents are emitted: what a later run needs to continue after it. */
  onWindow?(end: SamplerWindowEnd): void | Promise<void>;
}

/** Everything window `window` needs from the windows before it; nothing else carries over between windows. */
export interface SamplerCarry {
  /** The window to sample next. */
  window: number;
  /** Output latents already final (emitted), so the next one to emit. */
  emitted: number;
  /** The next window's x_T (19, 4, h, w): the previous one's noise reordered by NOISE_CARRY_ORDER. */
  noise: Float32Array;
  /** The previous window's final x0 at positions 15..18 (4, 4, h, w): the next window's concat at positions 1..4. */
  tail: Float32Array;
  /** The previous window's denoised values at positions 15..18 (4, 4, h, w), one per step below the blending steps. */
  blend: Float32Array[];
}

/** A finished window: the output latents it made final and what the next window starts from. */
export interface SamplerWindowEnd {
  window: number;
  /** The output index of latents[0]; latents follow in frame order (scaled, (4, h, w) each). */
  firstLatent: number;
  latents: Float32Array[];
  next: SamplerCarry;
}

export interface SamplingProgress {
  window: number;
  windows: number;
  step: number;
  steps: number;
  /** The clip frame at the window's first video position (position 5). */
  firstFrame: number;
  /** The window this run started at: above 0 when it continues from a checkpoint. */
  firstWindow: number;
  denoised: Float32Array;
}

export class SamplingCancelledError extends Error {
  override name = 'SamplingCancelledError';
  constructor() {
    super('sampling was cancelled');
  }
}

/**
 * Stops the pipeline at a boundary between network runs once `signal` is aborted. An ONNX Runtime run cannot be
 * interrupted from JavaScript, so these checks sit before every denoiser step, encoder and decode chunk: a cancel
 * waits for the one run under way, never for the rest of a window or its decoding.
 */
export function throwIfSamplingCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SamplingCancelledError();
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
  const row = r.geometry.latentChannels * r.latentHeight * r.latentWidth;
  const firstWindow = r.from ? checkedCarry(r.from, r, plans.length, row).window : 0;
  if (firstWindow === 0 && !r.referenceModeLatent) throw new RangeError('window 0 needs the reference mode latent');
  const latentsFit = r.referenceSampleLatent.length === row && (r.referenceModeLatent?.length ?? row) === row && r.noise.length === WINDOW.length * row;
  if (!latentsFit) throw new RangeError(`the reference latents must hold (${r.geometry.latentChannels}, ${r.latentHeight}, ${r.latentWidth}) and the noise (${WINDOW.length}, ${r.geometry.latentChannels}, ${r.latentHeight}, ${r.latentWidth}) values`);
  let noise = r.from?.noise ?? r.noise;
  let previousStore = r.from?.blend;
  let previousTail = r.from?.tail;
  let emitted = r.from?.emitted ?? 0;
  const originalWindows = r.clipFrameCount === undefined ? plans.length : windowCount(r.clipFrameCount);

  for (const plan of plans.slice(firstWindow)) {
    const concat = windowConcat(plan, r, previousTail, row);
    const hint = await windowHint(plan, r);
    const mode: ReferenceMode = plan.index === 0 ? 'normal' : r.laterWindowMode;
    const x = scheduler.scaleInitialNoise(Float32Array.from(noise));
    const store: Float32Array[] = [];
    for (let step = 0; step < r.numSteps; step++) {
      throwIfSamplingCancelled(r.signal);
      const sigma = scheduler.sigmas[step]!;
      const input = denoiserNetworkInput(x, concat, sigma, WINDOW.length);
      const attention: ReferenceAttention = mode === 'normal' ? 'normal' : step < r.prevAttnSteps ? 'prevref' : 'prevref-late';
      const output = await r.network.run({ input, cNoise: denoiserScalings(sigma).cNoise, hint, attention });
      const denoised = applyDenoiserScaling(x, output, sigma);
      // Only positions 15..18 of the blended steps are needed by the next window.
      if (step < WINDOW.blendSteps) store.push(denoised.slice(BLEND_SOURCE_POSITIONS[0] * row));
      // checkedCarry (or the previous window) gave one stored step per blended step, so [step] is in range.
      if (previousStore && step < WINDOW.blendSteps) {
        BLENDED_POSITIONS.forEach((p, k) => denoised.set(previousStore![step]!.subarray(k * row, (k + 1) * row), p * row));
      }
      scheduler.step(x, denoised, step);
      r.onStep?.({ window: plan.index, windows: plans.length, step, steps: r.numSteps, firstFrame: plan.start, firstWindow, denoised });
    }
    // Cancelled during the window's last step: its latents would set off decoding, so stop before emitting them.
    throwIfSamplingCancelled(r.signal);
    // The original's last window ends its output; a padding window only appends to it.
    const endsOutput = plan.index === plans.length - 1 || plan.index === originalWindows - 1;
    const latents = await emitFinalLatents(plan, x, r, row, emitted, endsOutput);
    const firstLatent = emitted;
    emitted += latents.length;
    previousStore = store;
    previousTail = x.slice(BLEND_SOURCE_POSITIONS[0] * row);
    noise = carryNoise(noise, row);
    await r.onWindow?.({ window: plan.index, firstLatent, latents, next: { window: plan.index + 1, emitted, noise, tail: previousTail, blend: previousStore } });
  }
  return { windows: plans.length, outputFrames: emitted };
}

/** A carry that fits this request: a window of the clip after the first, with state of the clip's latent size and steps. */
function checkedCarry(carry: SamplerCarry, r: SampleRequest, windows: number, row: number): SamplerCarry {
  const blendSteps = Math.min(r.numSteps, WINDOW.blendSteps);
  const tail = BLEND_SOURCE_POSITIONS.length * row;
  const fits =
    Number.isInteger(carry.window) && carry.window >= 1 && carry.window <= windows &&
    Number.isInteger(carry.emitted) && carry.emitted >= 1 &&
    carry.noise.length === WINDOW.length * row && carry.tail.length === tail &&
    carry.blend.length === blendSteps && carry.blend.every((b) => b.length === tail);
  if (!fits) throw new RangeError(`the checkpoint does not fit this clip: window ${carry.window} of ${windows}, ${carry.blend.length} blended steps where ${blendSteps} were asked, latent rows of ${row} values`);
  return carry;
}

/**
 * Window 0's results are [reference sample x scale, x0[5..18]]; each later window replaces the previous
 * window's last 4 and appends 10. So the last 4 of a window become final only when the next one ends.
 */
async function emitFinalLatents(plan: WindowPlan, x0: Float32Array, r: SampleRequest, row: number, emitted: number, endsOutput: boolean): Promise<Float32Array[]> {
  const latents: Float32Array[] = [];
  if (plan.index === 0) {
    const scale = r.geometry.scaleFactor;
    const first = new Float32Array(row);
    for (let i = 0; i < row; i++) first[i] = r.referenceSampleLatent[i]! * scale;
    latents.push(first);
  }
  const videoStart = WINDOW.length - WINDOW.video; // position 5
  const finalUpTo = endsOutput ? plan.end : plan.end - WINDOW.overlap;
  for (let frame = emitted + latents.length; frame < finalUpTo; frame++) {
    const position = videoStart + (frame - plan.start);
    latents.push(x0.slice(position * row, (position + 1) * row));
  }
  for (const [i, latent] of latents.entries()) await r.onLatent(emitted + i, latent);
  return latents;
}

function windowConcat(plan: WindowPlan, r: SampleRequest, previousTail: Float32Array | undefined, row: number): Float32Array {
  const concat = new Float32Array(WINDOW.length * row);
  const scale = r.geometry.scaleFactor;
  for (let p = 0; p < WINDOW.length; p++) {
    if (plan.index === 0) concat.set(r.referenceModeLatent!, p * row);
    else if (p >= 1 && p <= WINDOW.overlap) {
      const tail = previousTail!.subarray((p - 1) * row, p * row);
      for (let i = 0; i < row; i++) concat[p * row + i] = tail[i]! / scale;
    } else concat.set(r.referenceSampleLatent, p * row);
  }
  return concat;
}

async function windowHint(plan: WindowPlan, r: SampleRequest): Promise<Float32Array> {
  const hints = await Promise.all(plan.frames.map((f) => r.hint(f)));
  const size = hints[0]?.length ?? 0;
  const out = new Float32Array(WINDOW.length * size);
  hints.forEach((h, p) => {
    if (h.length !== size) throw new RangeError(`the hint of frame ${plan.frames[p]} holds ${h.length} values, frame ${plan.frames[0]}'s ${size}`);
    out.set(h, p * size);
  });
  return out;
}
