import type { RgbImage } from '../frames/index.js';
import { sketchGray } from '../lineart/sketch-convention.js';
import { defaultMatchOptions, matchRegions, type MatchOptions } from './matching.js';
import { paintRegions, regionMedians } from './painting.js';
import { segmentSketch, type Segmentation, type SegmentOptions } from './segmentation.js';

export interface FlatColorizeOptions extends SegmentOptions, MatchOptions {}

export const defaultFlatColorizeOptions: FlatColorizeOptions = { lineThreshold: 230, gapClose: 3, minArea: 24, ...defaultMatchOptions };

export interface FlatFrameStats {
  regions: number;
  byOverlap: number;
  byShape: number;
  byFallback: number;
}

/**
 * Colours a clip from one coloured reference and the sketch of every frame, with no network: frame 0's
 * regions take the reference's median colour, each later frame's regions take the colour of the region
 * they match in the previous frame. Keeps only the previous frame's regions, so memory does not grow with
 * the clip; feed sketches in order.
 */
export class FlatColorizer {
  private prev: { seg: Segmentation; colours: Uint8Array } | undefined;
  private gray: Uint8Array;
  lastStats: FlatFrameStats | undefined;

  constructor(
    private readonly reference: RgbImage,
    readonly options: FlatColorizeOptions = defaultFlatColorizeOptions,
  ) {
    this.gray = new Uint8Array(reference.width * reference.height);
  }

  colorize(sketch: RgbImage): RgbImage {
    if (sketch.width !== this.reference.width || sketch.height !== this.reference.height) {
      throw new RangeError(`sketch is ${sketch.width}x${sketch.height} but the reference is ${this.reference.width}x${this.reference.height}`);
    }
    sketchGray(sketch, this.gray);
    const seg = segmentSketch(this.gray, sketch.width, sketch.height, this.options);
    let colours: Uint8Array;
    if (!this.prev) {
      colours = regionMedians(seg, this.reference);
      this.lastStats = { regions: seg.count, byOverlap: 0, byShape: 0, byFallback: 0 };
    } else {
      const { source, how } = matchRegions(this.prev.seg, seg, this.options);
      colours = new Uint8Array((seg.count + 1) * 3);
      const stats: FlatFrameStats = { regions: seg.count, byOverlap: 0, byShape: 0, byFallback: 0 };
      for (let c = 1; c <= seg.count; c++) {
        colours.set(this.prev.colours.subarray(source[c]! * 3, source[c]! * 3 + 3), c * 3);
        if (how[c] === 1) stats.byOverlap++;
        else if (how[c] === 2) stats.byShape++;
        else stats.byFallback++;
      }
      this.lastStats = stats;
    }
    this.prev = { seg, colours };
    return paintRegions(seg, colours, this.gray);
  }
}
