import type { RgbImage } from '../frames/index.js';
import { convolveSeparable, gaussianKernel } from '../image/blur.js';

/** PSNR of identical images is infinite; it is reported as this cap so means and plots stay finite. */
export const PSNR_CAP_DB = 60;

function sameSize(a: RgbImage, b: RgbImage): void {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError(`cannot compare ${a.width}x${a.height} with ${b.width}x${b.height}`);
}

/** Mean squared error over all RGB samples. */
export function mse(a: RgbImage, b: RgbImage): number {
  sameSize(a, b);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i]! - b.data[i]!;
    sum += d * d;
  }
  return sum / a.data.length;
}

/** PSNR in dB over all RGB samples (peak 255), capped at PSNR_CAP_DB. */
export function psnr(a: RgbImage, b: RgbImage): number {
  const e = mse(a, b);
  return e === 0 ? PSNR_CAP_DB : Math.min(PSNR_CAP_DB, 10 * Math.log10((255 * 255) / e));
}

/** BT.601 luma on the 0-255 scale, the channel SSIM is computed on. */
export function luma255(image: RgbImage, out: Float32Array = new Float32Array(image.width * image.height)): Float32Array {
  const d = image.data;
  for (let i = 0, p = 0; i < out.length; i++, p += 3) out[i] = 0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!;
  return out;
}

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;
const WINDOW = gaussianKernel(1.5, 5); // 11 taps, sigma 1.5: Wang et al. 2004

/**
 * Standard SSIM (Wang et al. 2004) on BT.601 luma: 11x11 Gaussian window with sigma 1.5, K1 = 0.01,
 * K2 = 0.03, L = 255, averaged over the windows that lie fully inside the image ("valid", as the reference
 * MATLAB code does). Images smaller than the window are compared as one window.
 */
export function ssim(a: RgbImage, b: RgbImage): number {
  sameSize(a, b);
  const { width: w, height: h } = a;
  const n = w * h;
  const x = luma255(a);
  const y = luma255(b);
  const xx = new Float32Array(n);
  const yy = new Float32Array(n);
  const xy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i]! * x[i]!;
    yy[i] = y[i]! * y[i]!;
    xy[i] = x[i]! * y[i]!;
  }
  const tmp = new Float32Array(n);
  const blur = (src: Float32Array) => convolveSeparable(src, w, h, WINDOW, tmp, new Float32Array(n));
  const mx = blur(x);
  const my = blur(y);
  const sxx = blur(xx);
  const syy = blur(yy);
  const sxy = blur(xy);
  const r = (WINDOW.length - 1) >> 1;
  const x0 = w > 2 * r ? r : Math.floor(w / 2);
  const x1 = w > 2 * r ? w - r : x0 + 1;
  const y0 = h > 2 * r ? r : Math.floor(h / 2);
  const y1 = h > 2 * r ? h - r : y0 + 1;
  let sum = 0;
  for (let yy0 = y0; yy0 < y1; yy0++) {
    for (let xx0 = x0; xx0 < x1; xx0++) {
      const i = yy0 * w + xx0;
      const ux = mx[i]!;
      const uy = my[i]!;
      const vx = sxx[i]! - ux * ux;
      const vy = syy[i]! - uy * uy;
      const cov = sxy[i]! - ux * uy;
      sum += ((2 * ux * uy + C1) * (2 * cov + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
    }
  }
  return sum / ((x1 - x0) * (y1 - y0));
}

/**
 * Temporal flicker between consecutive frames: the mean absolute difference (0-255 luma) between the
 * produced frame-to-frame change and the ground truth's, |(P_t - P_t-1) - (G_t - G_t-1)|. Motion the truth
 * has costs nothing; change the truth does not have (colours jumping, regions blinking) counts.
 */
export function flicker(prevOut: RgbImage, out: RgbImage, prevTruth: RgbImage, truth: RgbImage): number {
  sameSize(out, truth);
  sameSize(prevOut, out);
  sameSize(prevTruth, truth);
  const a = out.data;
  const pa = prevOut.data;
  const g = truth.data;
  const pg = prevTruth.data;
  let sum = 0;
  for (let p = 0; p < a.length; p += 3) {
    const dOut = 0.299 * (a[p]! - pa[p]!) + 0.587 * (a[p + 1]! - pa[p + 1]!) + 0.114 * (a[p + 2]! - pa[p + 2]!);
    const dTruth = 0.299 * (g[p]! - pg[p]!) + 0.587 * (g[p + 1]! - pg[p + 1]!) + 0.114 * (g[p + 2]! - pg[p + 2]!);
    sum += Math.abs(dOut - dTruth);
  }
  return sum / (a.length / 3);
}

export interface FrameMetrics {
  index: number;
  psnr: number;
  ssim: number;
  /** Absent for the first frame (no previous frame to compare). */
  flicker?: number;
}

export interface MetricsSummary {
  frames: number;
  meanPsnr: number;
  meanSsim: number;
  minPsnr: number;
  meanFlicker: number;
}

/**
 * Measures a sequence frame by frame against its truth, keeping only the previous pair in memory.
 */
export class SequenceMetrics {
  readonly rows: FrameMetrics[] = [];
  private prev: { out: RgbImage; truth: RgbImage } | undefined;

  add(out: RgbImage, truth: RgbImage): FrameMetrics {
    const row: FrameMetrics = { index: this.rows.length, psnr: psnr(out, truth), ssim: ssim(out, truth) };
    if (this.prev) row.flicker = flicker(this.prev.out, out, this.prev.truth, truth);
    this.prev = { out, truth };
    this.rows.push(row);
    return row;
  }

  summary(): MetricsSummary {
    const n = this.rows.length;
    const mean = (f: (r: FrameMetrics) => number | undefined) => {
      const v = this.rows.map(f).filter((x): x is number => x !== undefined);
      return v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0;
    };
    return {
      frames: n,
      meanPsnr: mean((r) => r.psnr),
      meanSsim: mean((r) => r.ssim),
      minPsnr: n ? Math.min(...this.rows.map((r) => r.psnr)) : 0,
      meanFlicker: mean((r) => r.flicker),
    };
  }
}
