import type { RgbImage } from '../frames/index.js';

/**
 * LVCD's sketch convention, shared by every lineart extractor (classical now, neural later): white paper
 * (255), dark lines (towards 0), three equal channels, the size of the frame it was drawn from.
 * An extractor produces a one-channel "paper" map in [0, 1] (1 = paper, 0 = full ink) and hands it here.
 */
export const LINEART_EXTRACTORS = ['xdog', 'dog'] as const;
export type LineartExtractor = (typeof LINEART_EXTRACTORS)[number];

export function sketchFromPaper(paper: Float32Array, width: number, height: number): RgbImage {
  if (paper.length !== width * height) throw new RangeError(`paper map has ${paper.length} values for ${width}x${height}`);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, p = 0; i < paper.length; i++, p += 3) {
    const v = paper[i]!;
    const g = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
    data[p] = data[p + 1] = data[p + 2] = g;
  }
  return { width, height, data };
}

/** Grey level of each pixel of a sketch (the mean of its channels, tolerant of slightly tinted scans). */
export function sketchGray(sketch: RgbImage, out: Uint8Array = new Uint8Array(sketch.width * sketch.height)): Uint8Array {
  const d = sketch.data;
  for (let i = 0, p = 0; i < out.length; i++, p += 3) out[i] = ((d[p]! + d[p + 1]! + d[p + 2]!) / 3 + 0.5) | 0;
  return out;
}
