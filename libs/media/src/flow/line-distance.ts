/**
 * Distance in pixels from every pixel to the nearest line pixel (gray < threshold), by the two-pass 3-4
 * chamfer transform, capped at `cap`. A sketch is blank paper almost everywhere; this field gives every
 * pixel a value that says where it lies between lines, which is what flow and matching can follow.
 */
export function lineDistance(gray: Uint8Array, w: number, h: number, threshold: number, cap: number, out: Float32Array = new Float32Array(w * h)): Float32Array {
  const far = cap * 3;
  for (let i = 0; i < out.length; i++) out[i] = gray[i]! < threshold ? 0 : far;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let v = out[i]!;
      if (v === 0) continue;
      if (x > 0) v = Math.min(v, out[i - 1]! + 3);
      if (y > 0) {
        v = Math.min(v, out[i - w]! + 3);
        if (x > 0) v = Math.min(v, out[i - w - 1]! + 4);
        if (x < w - 1) v = Math.min(v, out[i - w + 1]! + 4);
      }
      out[i] = v;
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      let v = out[i]!;
      if (v === 0) continue;
      if (x < w - 1) v = Math.min(v, out[i + 1]! + 3);
      if (y < h - 1) {
        v = Math.min(v, out[i + w]! + 3);
        if (x < w - 1) v = Math.min(v, out[i + w + 1]! + 4);
        if (x > 0) v = Math.min(v, out[i + w - 1]! + 4);
      }
      out[i] = v;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.min(cap, out[i]! / 3);
  return out;
}

/** Box mean of radius r (separable running sums), edges clamped by shrinking the window. */
export function boxMean(src: Float32Array, w: number, h: number, r: number, tmp: Float32Array, out: Float32Array): Float32Array {
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    for (let x = 0; x < Math.min(r, w); x++) sum += src[row + x]!;
    for (let x = 0; x < w; x++) {
      if (x + r < w) sum += src[row + x + r]!;
      if (x - r - 1 >= 0) sum -= src[row + x - r - 1]!;
      tmp[row + x] = sum / (Math.min(w - 1, x + r) - Math.max(0, x - r) + 1);
    }
  }
  for (let x = 0; x < w; x++) {
    let sum = 0;
    for (let y = 0; y < Math.min(r, h); y++) sum += tmp[y * w + x]!;
    for (let y = 0; y < h; y++) {
      if (y + r < h) sum += tmp[(y + r) * w + x]!;
      if (y - r - 1 >= 0) sum -= tmp[(y - r - 1) * w + x]!;
      out[y * w + x] = sum / (Math.min(h - 1, y + r) - Math.max(0, y - r) + 1);
    }
  }
  return out;
}
