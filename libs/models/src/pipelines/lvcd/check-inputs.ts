import type { LvcdGeometry } from './geometry.js';
import { outputFrameCount, paddedFrameCount, windowCount, WINDOW } from './window-plan.js';

/** The pipeline input a refused clip is wrong in: callers map it to their own field (a node's input or param). */
export type ClipInput = 'networks' | 'reference' | 'sketches' | 'pad';

/** A clip or bundle the pipeline cannot run, naming the input to change (diffusers' `check_inputs` errors). */
export class ClipInputError extends Error {
  override name = 'ClipInputError';
  constructor(message: string, readonly input: ClipInput) {
    super(message);
  }
}

/** What a clip is before any pixel is read: the sizes of its reference and sketches, and whether to pad it. */
export interface ClipShape {
  readonly reference: { readonly width: number; readonly height: number };
  readonly sketches: { readonly width: number; readonly height: number; readonly count: number };
  /** Repeat the last sketch so the windows cover every frame (else frames past the last full window are dropped). */
  readonly pad: boolean;
}

/** How the pipeline will run a checked clip. */
export interface ClipPlan {
  readonly width: number;
  readonly height: number;
  /** Frames the windows cover: the clip, or the clip padded by repeating its last sketch. */
  readonly frameCount: number;
  /** The clip's own length when `frameCount` pads it (the request's `clipFrameCount`). */
  readonly clipFrameCount?: number;
  /** Output frames to keep: the clip's length when padded, else what the windows cover. */
  readonly keep: number;
  /** What happened to the clip's length, in words. */
  readonly note: string;
}

/** Refuses a bundle whose networks do not take the windows the pipeline plans. */
export function checkGeometry(geometry: LvcdGeometry): void {
  if (geometry.windowFrames !== WINDOW.length) {
    throw new ClipInputError(`this bundle's denoiser takes ${geometry.windowFrames} positions a call, but LVCD's windows hold ${WINDOW.length}`, 'networks');
  }
  const whole = [geometry.latentFactor, geometry.latentChannels, geometry.sizeMultiple].every((n) => Number.isInteger(n) && n > 0);
  if (!whole || !(geometry.scaleFactor > 0) || !Number.isFinite(geometry.scaleFactor) || geometry.sizeMultiple % geometry.latentFactor !== 0) {
    throw new ClipInputError(`this bundle's latent geometry is not usable: ${JSON.stringify(geometry)}`, 'networks');
  }
}

/** Refuses frame sizes the networks cannot take (`input` names where they come from). */
export function checkFrameSize(geometry: LvcdGeometry, width: number, height: number, input: ClipInput): void {
  const m = geometry.sizeMultiple;
  if (!(width > 0 && height > 0 && width % m === 0 && height % m === 0)) {
    throw new ClipInputError(`LVCD needs frame sizes in multiples of ${m}, not ${width}x${height}; resize the frames (576x320 is the model's grid)`, input);
  }
}

/**
 * The clip checks before a run (reference and sketches of one size that the networks take, enough frames) and
 * how its length is covered by windows. Pure: callers run it before opening any model.
 */
export function checkInputs(clip: ClipShape, geometry: LvcdGeometry): ClipPlan {
  checkGeometry(geometry);
  const { reference, sketches, pad } = clip;
  if (reference.width !== sketches.width || reference.height !== sketches.height) {
    throw new ClipInputError(`the reference is ${reference.width}x${reference.height} but the sketches are ${sketches.width}x${sketches.height}; resize both to the model's grid (576x320)`, 'reference');
  }
  checkFrameSize(geometry, sketches.width, sketches.height, 'sketches');
  if (!(Number.isInteger(sketches.count) && sketches.count >= 1)) throw new ClipInputError(`the clip has no frames (${sketches.count})`, 'sketches');
  if (!pad && windowCount(sketches.count) === 0) {
    throw new ClipInputError(`LVCD needs at least ${paddedFrameCount(1)} frames, the clip has ${sketches.count}; turn on padding`, 'pad');
  }
  const frameCount = pad ? paddedFrameCount(sketches.count) : sketches.count;
  const covered = outputFrameCount(windowCount(frameCount));
  const keep = Math.min(covered, sketches.count);
  const note = pad
    ? frameCount > sketches.count ? `padded ${sketches.count} frames to ${frameCount} by repeating the last sketch; kept all ${sketches.count}` : `all ${sketches.count} frames covered`
    : covered < sketches.count ? `dropped the last ${sketches.count - covered} frames, past the last full window (turn on padding to keep them)` : `all ${sketches.count} frames covered`;
  return {
    width: sketches.width,
    height: sketches.height,
    frameCount,
    ...(frameCount > sketches.count ? { clipFrameCount: sketches.count } : {}),
    keep,
    note,
  };
}
