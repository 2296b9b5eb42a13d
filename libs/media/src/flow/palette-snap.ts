import { regionMedians, segmentSketch, type SegmentOptions } from '../flat/index.js';
import type { RgbImage } from '../frames/index.js';
import { sketchGray } from '../lineart/index.js';

export type Rgb = [number, number, number];

export interface PaletteSnapOptions extends SegmentOptions {
  /** Largest RGB distance between a region's colour and a palette colour for the region to be snapped. */
  tolerance: number;
  /** Most palette colours kept (the largest regions' colours first). */
  maxColours: number;
}

export const defaultPaletteSnapOptions: PaletteSnapOptions = { lineThreshold: 200, gapClose: 3, minArea: 24, tolerance: 40, maxColours: 32 };

/** A region chosen by one of its pixels (frame coordinates) and the colour it is always painted. */
export interface RegionOverride {
  x: number;
  y: number;
  colour: Rgb;
}

const distance = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

/**
 * The reference's cel palette: the median colour of each closed region of its sketch, largest regions first,
 * colours closer than half the tolerance to an earlier one merged into it.
 */
export function extractPalette(reference: RgbImage, sketch: RgbImage, o: PaletteSnapOptions = defaultPaletteSnapOptions): Rgb[] {
  const seg = segmentSketch(sketchGray(sketch), sketch.width, sketch.height, o);
  const medians = regionMedians(seg, reference);
  const order = Array.from({ length: seg.count }, (_, k) => k + 1).sort((a, b) => seg.area[b]! - seg.area[a]!);
  const palette: Rgb[] = [];
  for (const l of order) {
    const c: Rgb = [medians[l * 3]!, medians[l * 3 + 1]!, medians[l * 3 + 2]!];
    if (palette.some((p) => distance(p, c) < o.tolerance / 2)) continue;
    palette.push(c);
    if (palette.length >= o.maxColours) break;
  }
  return palette;
}

/**
 * Snaps each closed region of a coloured frame to the nearest palette colour when its median is within the
 * tolerance, which removes the colour noise of diffusion output inside cels; regions further from every
 * palette colour (painted texture, new colours) and line pixels are left as they are. Overrides paint the
 * region under their pixel with their colour whatever it was.
 */
export function snapToPalette(frame: RgbImage, sketch: RgbImage, palette: readonly Rgb[], o: PaletteSnapOptions = defaultPaletteSnapOptions, overrides: readonly RegionOverride[] = []): RgbImage {
  if (frame.width !== sketch.width || frame.height !== sketch.height) throw new RangeError(`frame is ${frame.width}x${frame.height} but its sketch is ${sketch.width}x${sketch.height}`);
  const seg = segmentSketch(sketchGray(sketch), sketch.width, sketch.height, o);
  const medians = regionMedians(seg, frame);
  const target = new Int16Array((seg.count + 1) * 3).fill(-1);
  for (let l = 1; l <= seg.count; l++) {
    const m = medians.subarray(l * 3, l * 3 + 3);
    let best = -1;
    let bestDistance = o.tolerance;
    palette.forEach((p, k) => {
      const d = distance(p, m);
      if (d <= bestDistance) (bestDistance = d), (best = k);
    });
    if (best >= 0) target.set(palette[best]!, l * 3);
  }
  for (const { x, y, colour } of overrides) {
    if (x < 0 || y < 0 || x >= frame.width || y >= frame.height) throw new RangeError(`override at ${x},${y} is outside the ${frame.width}x${frame.height} frame`);
    target.set(colour, seg.labels[y * frame.width + x]! * 3);
  }
  const data = frame.data.slice();
  for (let i = 0; i < seg.labels.length; i++) {
    if (!seg.core[i]) continue;
    const l = seg.labels[i]! * 3;
    if (target[l]! < 0) continue;
    data[3 * i] = target[l]!;
    data[3 * i + 1] = target[l + 1]!;
    data[3 * i + 2] = target[l + 2]!;
  }
  return { width: frame.width, height: frame.height, data };
}
