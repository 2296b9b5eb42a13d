import type { RgbImage } from '../frames/index.js';
import { convolveSeparable, gaussianKernel, lumaOf } from '../image/blur.js';
import { sketchFromPaper, type LineartExtractor } from './sketch-convention.js';

export interface ClassicalLineartOptions {
  /** `xdog`: soft tanh ramp with a little tone (dark masses ink in); `dog`: hard-thresholded edges only. */
  extractor: Extract<LineartExtractor, 'xdog' | 'dog'>;
  /** Scale of the finest detail kept, in pixels: larger draws fewer, bolder lines. */
  sigma: number;
  /** How strong an edge must be to ink (the XDoG epsilon, in luma units of the DoG response). */
  threshold: number;
  /** Steepness of the ink ramp (XDoG phi); ignored by `dog`. */
  sharpness: number;
  /** Line thickness in pixels: 1 leaves the lines as found, n widens them by n-1 pixels. */
  lineWidth: number;
}

export const defaultLineartOptions: ClassicalLineartOptions = { extractor: 'xdog', sigma: 0.8, threshold: 0.005, sharpness: 100, lineWidth: 1 };

/** Ratio of the two Gaussians, the classic approximation of the Laplacian of Gaussian. */
const K = 1.6;
/** XDoG's tone weight: 1 would see edges only; slightly under 1 lets very dark masses ink in, as drawn lineart does. */
const XDOG_TAU = 0.98;

/** Reusable buffers for one frame size, so a long clip allocates once. */
export class ClassicalLineart {
  private readonly luma: Float32Array;
  private readonly g1: Float32Array;
  private readonly g2: Float32Array;
  private readonly tmp: Float32Array;
  private readonly k1: Float32Array;
  private readonly k2: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly options: ClassicalLineartOptions = defaultLineartOptions,
  ) {
    const n = width * height;
    this.luma = new Float32Array(n);
    this.g1 = new Float32Array(n);
    this.g2 = new Float32Array(n);
    this.tmp = new Float32Array(n);
    this.k1 = gaussianKernel(options.sigma);
    this.k2 = gaussianKernel(options.sigma * K);
  }

  /** Sketch of one frame in LVCD's convention (white paper, dark lines, 3 channels, same size). */
  extract(frame: RgbImage): RgbImage {
    if (frame.width !== this.width || frame.height !== this.height) {
      throw new RangeError(`frame is ${frame.width}x${frame.height}, extractor was built for ${this.width}x${this.height}`);
    }
    const { width: w, height: h, options: o } = this;
    lumaOf(frame.data, this.luma);
    convolveSeparable(this.luma, w, h, this.k1, this.tmp, this.g1);
    convolveSeparable(this.luma, w, h, this.k2, this.tmp, this.g2);
    const paper = this.g1; // reused in place: each g1 value is read once before being overwritten
    const tau = o.extractor === 'xdog' ? XDOG_TAU : 1;
    for (let i = 0; i < paper.length; i++) {
      const d = this.g1[i]! - tau * this.g2[i]!;
      if (o.extractor === 'dog') paper[i] = d < -o.threshold ? 0 : 1;
      else paper[i] = d >= -o.threshold ? 1 : 1 + Math.tanh(o.sharpness * (d + o.threshold));
    }
    if (o.lineWidth > 1) minFilter(paper, w, h, o.lineWidth - 1, this.tmp);
    return sketchFromPaper(paper, w, h);
  }
}

/**
 * Square minimum filter in place (darkest paper value within `radius`), separable: widens the lines.
 */
function minFilter(a: Float32Array, w: number, h: number, radius: number, tmp: Float32Array): void {
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let m = 1;
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(w - 1, x + radius);
      for (let xx = x0; xx <= x1; xx++) if (a[row + xx]! < m) m = a[row + xx]!;
      tmp[row + x] = m;
    }
  }
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(h - 1, y + radius);
    for (let x = 0; x < w; x++) {
      let m = 1;
      for (let yy = y0; yy <= y1; yy++) if (tmp[yy * w + x]! < m) m = tmp[yy * w + x]!;
      a[y * w + x] = m;
    }
  }
}
