import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../frames/index.js';
import { flicker, psnr, PSNR_CAP_DB, SequenceMetrics, ssim } from './metrics.js';

const solid = (w: number, h: number, v: number): RgbImage => ({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(v) });

function noise(w: number, h: number, seed: number): RgbImage {
  let s = seed;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1103515245 + 12345) % 2147483648) % 256;
  return { width: w, height: h, data };
}

/** SSIM by its definition, window by window (no separable filtering): the independent reference. */
function naiveSsim(a: RgbImage, b: RgbImage): number {
  const { width: w, height: h } = a;
  const Y = (img: RgbImage, i: number) => 0.299 * img.data[i * 3]! + 0.587 * img.data[i * 3 + 1]! + 0.114 * img.data[i * 3 + 2]!;
  const g: number[] = [];
  let gs = 0;
  for (let k = -5; k <= 5; k++) gs += g[k + 5] = Math.exp(-(k * k) / (2 * 1.5 * 1.5));
  const C1 = (0.01 * 255) ** 2;
  const C2 = (0.03 * 255) ** 2;
  let sum = 0;
  let n = 0;
  for (let y = 5; y < h - 5; y++) {
    for (let x = 5; x < w - 5; x++) {
      let mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
      for (let dy = -5; dy <= 5; dy++) {
        for (let dx = -5; dx <= 5; dx++) {
          const wgt = (g[dy + 5]! * g[dx + 5]!) / (gs * gs);
          const i = (y + dy) * w + x + dx;
          const p = Y(a, i);
          const q = Y(b, i);
          mx += wgt * p; my += wgt * q; xx += wgt * p * p; yy += wgt * q * q; xy += wgt * p * q;
        }
      }
      sum += ((2 * mx * my + C1) * (2 * (xy - mx * my) + C2)) / ((mx * mx + my * my + C1) * (xx - mx * mx + yy - my * my + C2));
      n++;
    }
  }
  return sum / n;
}

describe('PSNR', () => {
  it('matches the hand computation: a uniform error of 10 gives 10*log10(255^2/100)', () => {
    expect(psnr(solid(8, 8, 100), solid(8, 8, 110))).toBeCloseTo(28.1308, 3);
  });
  it('caps identical images', () => {
    expect(psnr(solid(4, 4, 7), solid(4, 4, 7))).toBe(PSNR_CAP_DB);
  });
});

describe('SSIM', () => {
  it('is 1 for identical images', () => {
    const a = noise(32, 24, 3);
    expect(ssim(a, a)).toBeCloseTo(1, 6);
  });
  it('matches the closed form for two constant images: (2ab + C1) / (a^2 + b^2 + C1)', () => {
    const C1 = (0.01 * 255) ** 2;
    expect(ssim(solid(20, 20, 50), solid(20, 20, 150))).toBeCloseTo((2 * 50 * 150 + C1) / (50 ** 2 + 150 ** 2 + C1), 4);
  });
  it('matches a window-by-window implementation of the definition within 1e-4', () => {
    const a = noise(30, 26, 1);
    const b = noise(30, 26, 2);
    for (let i = 0; i < a.data.length; i++) b.data[i] = (a.data[i]! * 3 + b.data[i]!) >> 2; // correlated
    expect(Math.abs(ssim(a, b) - naiveSsim(a, b))).toBeLessThan(1e-4);
  });
});

describe('flicker and sequences', () => {
  it('is zero when the output changes exactly as the truth, and the luma step otherwise', () => {
    expect(flicker(solid(4, 4, 10), solid(4, 4, 30), solid(4, 4, 50), solid(4, 4, 70))).toBeCloseTo(0, 9);
    expect(flicker(solid(4, 4, 10), solid(4, 4, 30), solid(4, 4, 50), solid(4, 4, 50))).toBeCloseTo(20, 4);
  });
  it('summarises per-frame rows', () => {
    const m = new SequenceMetrics();
    m.add(solid(16, 16, 100), solid(16, 16, 110));
    m.add(solid(16, 16, 100), solid(16, 16, 100));
    const s = m.summary();
    expect(s.frames).toBe(2);
    expect(s.meanPsnr).toBeCloseTo((28.1308 + PSNR_CAP_DB) / 2, 3);
    expect(m.rows[1]!.flicker).toBeCloseTo(10, 4);
  });
});
