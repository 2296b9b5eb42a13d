import type { RgbImage } from '../frames/index.js';
import type { Segmentation } from '../flat/index.js';

export interface RegionFillOptions {
  /** Least share of a region's open paper that must be followed into the reference for its colours to be used. */
  minKnown: number;
  /** Colour spread (RGB standard deviation) under which a region is a flat cel and painted with one colour. */
  flatStd: number;
}

/** Per-pixel inputs of the fill, all at full size. */
export interface FillInputs {
  seg: Segmentation;
  /** 0 where nothing was trusted, 1 where the reference pixel is kept as is, 2-3 where a flow mapping was. */
  known: Uint8Array;
  /** The reference's colour at each pixel's mapping. */
  warped: Uint8Array;
  /** For each pixel, the pixel of the previous output it came from (consecutive flow). */
  fromPrev: Int32Array;
  prevOut: RgbImage;
}

export interface FillStats {
  regions: number;
  flat: number;
  painted: number;
  /** Regions too little followed into the reference, coloured from the previous frame instead. */
  fallback: number;
}

/**
 * Turns per-pixel colour guesses into a frame, region by region of the sketch:
 * - kept reference pixels stay exactly as they are (painted texture, gradients, the reference's lines);
 * - a flat region (small spread of its followed colours) takes their mean, so noise in the flow cannot
 *   speckle a cel, and so do its unfollowed pixels;
 * - a painted region keeps each followed pixel's colour;
 * - a region barely followed (new, or disoccluded) takes the mean of what lay under it in the previous
 *   output, carried by the consecutive flow: its surroundings, not a guess from nowhere.
 * Line pixels belong to the region they touch (the segmentation grows regions over lines), so they take
 * the reference's line colour where followed and the adjacent fill where not: never black from the
 * sketch's grey.
 */
export function fillRegions(input: FillInputs, o: RegionFillOptions, stats?: FillStats): RgbImage {
  const { seg, known, warped, fromPrev, prevOut } = input;
  const n = seg.labels.length;
  const regions = seg.count + 1;
  const count = new Int32Array(regions);
  const coreArea = new Int32Array(regions);
  const sum = new Float64Array(regions * 3);
  const squares = new Float64Array(regions * 3);
  const under = new Float64Array(regions * 3);
  const pd = prevOut.data;
  for (let i = 0; i < n; i++) {
    if (!seg.core[i]) continue;
    const l = seg.labels[i]!;
    coreArea[l]!++;
    const p = fromPrev[i]! * 3;
    for (let c = 0; c < 3; c++) under[l * 3 + c]! += pd[p + c]!;
    if (!known[i]) continue;
    count[l]!++;
    for (let c = 0; c < 3; c++) {
      const v = warped[3 * i + c]!;
      sum[l * 3 + c]! += v;
      squares[l * 3 + c]! += v * v;
    }
  }
  const fill = new Uint8Array(regions * 3);
  const painted = new Uint8Array(regions);
  for (let l = 1; l < regions; l++) {
    if (count[l]! >= Math.max(4, o.minKnown * coreArea[l]!)) {
      let variance = 0;
      for (let c = 0; c < 3; c++) {
        const mean = sum[l * 3 + c]! / count[l]!;
        fill[l * 3 + c] = Math.round(mean);
        variance += squares[l * 3 + c]! / count[l]! - mean * mean;
      }
      painted[l] = Math.sqrt(Math.max(0, variance) / 3) >= o.flatStd ? 1 : 0;
      if (stats) painted[l] ? stats.painted++ : stats.flat++;
    } else {
      for (let c = 0; c < 3; c++) fill[l * 3 + c] = coreArea[l]! ? Math.round(under[l * 3 + c]! / coreArea[l]!) : 128;
      if (stats) stats.fallback++;
    }
  }
  if (stats) stats.regions += seg.count;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const l = seg.labels[i]!;
    const k = known[i]!;
    const own = k !== 0 && (k === 1 || painted[l] === 1 || !seg.core[i]);
    const src = own ? warped : fill;
    const p = own ? 3 * i : 3 * l;
    data[3 * i] = src[p]!;
    data[3 * i + 1] = src[p + 1]!;
    data[3 * i + 2] = src[p + 2]!;
  }
  return { width: seg.width, height: seg.height, data };
}
