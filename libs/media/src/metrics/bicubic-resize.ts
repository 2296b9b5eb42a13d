import type { RgbImage } from '../frames/index.js';

/** Keys' cubic convolution with a = -0.5 (Catmull-Rom), the "bicubic" of PIL and of most evaluation scripts. */
function cubic(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

interface Taps {
  first: Int32Array;
  weights: Float32Array;
  size: number;
}

/**
 * Normalised taps along one axis. When shrinking, the kernel is stretched by the scale (antialiased, as PIL's
 * Image.resize does), so every source pixel contributes; without that, a 576 -> 256 shrink would alias.
 */
function axisTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const stretch = Math.max(1, scale);
  const support = 2 * stretch;
  const size = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const weights = new Float32Array(outSize * size);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale - 0.5;
    const start = Math.floor(centre - support) + 1;
    first[o] = start;
    let sum = 0;
    for (let k = 0; k < size; k++) sum += weights[o * size + k] = cubic((start + k - centre) / stretch);
    for (let k = 0; k < size; k++) weights[o * size + k]! /= sum;
  }
  return { first, weights, size };
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/**
 * Bicubic resize of an RGB image to any size (aspect not kept), rows first then columns, rounding to bytes
 * after each pass as PIL does for 8-bit images. Edges repeat the border pixel.
 */
export function resizeBicubic(image: RgbImage, width: number, height: number): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`cannot resize to ${width}x${height}`);
  const { width: w, height: h, data } = image;
  const tx = axisTaps(w, width);
  const ty = axisTaps(h, height);
  const mid = new Uint8Array(width * h * 3);
  for (let y = 0; y < h; y++) {
    for (let o = 0; o < width; o++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < tx.size; k++) {
        const wt = tx.weights[o * tx.size + k]!;
        if (wt === 0) continue;
        const x = Math.min(w - 1, Math.max(0, tx.first[o]! + k));
        const p = (y * w + x) * 3;
        r += wt * data[p]!;
        g += wt * data[p + 1]!;
        b += wt * data[p + 2]!;
      }
      const q = (y * width + o) * 3;
      mid[q] = clampByte(r);
      mid[q + 1] = clampByte(g);
      mid[q + 2] = clampByte(b);
    }
  }
  const out = new Uint8Array(width * height * 3);
  for (let o = 0; o < height; o++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < ty.size; k++) {
        const wt = ty.weights[o * ty.size + k]!;
        if (wt === 0) continue;
        const y = Math.min(h - 1, Math.max(0, ty.first[o]! + k));
        const p = (y * width + x) * 3;
        r += wt * mid[p]!;
        g += wt * mid[p + 1]!;
        b += wt * mid[p + 2]!;
      }
      const q = (o * width + x) * 3;
      out[q] = clampByte(r);
      out[q + 1] = clampByte(g);
      out[q + 2] = clampByte(b);
    }
  }
  return { width, height, data: out };
}
