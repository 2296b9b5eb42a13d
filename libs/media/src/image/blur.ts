/** Normalised 1-D Gaussian of radius ceil(3 sigma). */
export function gaussianKernel(sigma: number, radius = Math.max(1, Math.ceil(3 * sigma))): Float32Array {
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

/**
 * Separable convolution with edge clamping: `out` = src blurred by `kernel` along x then y, through `tmp`.
 * Buffers are passed in so per-frame loops reuse them instead of allocating.
 */
export function convolveSeparable(src: Float32Array, width: number, height: number, kernel: Float32Array, tmp: Float32Array, out: Float32Array): Float32Array {
  const r = (kernel.length - 1) >> 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) {
        const xx = x + k < 0 ? 0 : x + k >= width ? width - 1 : x + k;
        s += kernel[k + r]! * src[row + xx]!;
      }
      tmp[row + x] = s;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) {
        const yy = y + k < 0 ? 0 : y + k >= height ? height - 1 : y + k;
        s += kernel[k + r]! * tmp[yy * width + x]!;
      }
      out[y * width + x] = s;
    }
  }
  return out;
}

/** BT.601 luma in [0, 1]. */
export function lumaOf(data: Uint8Array, out: Float32Array = new Float32Array(data.length / 3)): Float32Array {
  for (let i = 0, p = 0; i < out.length; i++, p += 3) out[i] = (0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!) / 255;
  return out;
}
