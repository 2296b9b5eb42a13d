import { WINDOW_FRAMES } from '../../networks/unet/config.js';

/**
 * LVCD's overlapped sequential sampling of long clips: which frames each 19-position window holds, how the
 * initial noise rotates between windows, which positions are blended, and how results are stitched.
 * Positions 0..4 are the reference path (frame 0 and four "second references"), 5..18 the 14-frame video
 * path; the networks' masked layers hard-code 14, so these numbers are not knobs.
 */
export const WINDOW = {
  /** Positions per window: what the denoiser graph is built for. */
  length: WINDOW_FRAMES,
  /** Frames shared with the previous window. */
  overlap: 4,
  /** Video-path positions (SVD's native clip length). */
  video: 14,
  /** New frames per window after the first. */
  stride: 10,
  /** Steps during which the overlap positions are blended (hard-coded in the original, not num_steps). */
  blendSteps: 25,
} as const;

/** Positions whose denoised values come from the previous window (its positions 15..18). */
export const BLENDED_POSITIONS = [5, 6, 7, 8] as const;
export const BLEND_SOURCE_POSITIONS = [15, 16, 17, 18] as const;

export interface WindowPlan {
  index: number;
  /** First new-or-overlap frame on the video path. */
  start: number;
  /** One past the last frame on the video path. */
  end: number;
  /** The clip frame at each of the 19 positions (selects the sketches). */
  frames: number[];
}

/** Windows for a clip of `frameCount` frames; frames past the last full window are not covered. */
export function windowCount(frameCount: number): number {
  if (frameCount < WINDOW.video + 1) return 0;
  return Math.floor((frameCount - (WINDOW.length - WINDOW.overlap)) / WINDOW.stride) + 1;
}

/** How many frames the windows produce: 15 + 10 (w - 1). */
export function outputFrameCount(windows: number): number {
  return windows === 0 ? 0 : WINDOW.video + 1 + WINDOW.stride * (windows - 1);
}

/**
 * The smallest clip length >= frameCount that windows cover exactly, so padding (repeating the last frame)
 * up to it loses no frame.
 */
export function paddedFrameCount(frameCount: number): number {
  if (frameCount <= WINDOW.video + 1) return WINDOW.video + 1;
  return WINDOW.video + 1 + Math.ceil((frameCount - WINDOW.video - 1) / WINDOW.stride) * WINDOW.stride;
}

export function planWindows(frameCount: number): WindowPlan[] {
  const plans: WindowPlan[] = [];
  let end = 0;
  for (let k = 0; k < windowCount(frameCount); k++) {
    const start = k === 0 ? 1 : end - WINDOW.overlap;
    end = start + WINDOW.video;
    const secondRefs = k === 0 ? [0, 0, 0, 0] : range(start, start + WINDOW.overlap);
    plans.push({ index: k, start, end, frames: [0, ...secondRefs, ...range(start, end)] });
  }
  return plans;
}

/** The position order of the next window's initial noise: [0, 15..18, 15..18, 5..14], so re-generated frames keep their noise. */
export const NOISE_CARRY_ORDER: readonly number[] = [0, 15, 16, 17, 18, 15, 16, 17, 18, ...range(5, 15)];

/** Reorders per-position rows (each `rowSize` values) by NOISE_CARRY_ORDER. */
export function carryNoise(noise: Float32Array, rowSize: number): Float32Array {
  const out = new Float32Array(noise.length);
  NOISE_CARRY_ORDER.forEach((from, to) => out.set(noise.subarray(from * rowSize, (from + 1) * rowSize), to * rowSize));
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
