/**
 * The "vector" condition of SVD: fps_id, motion_bucket_id and cond_aug, each as a 256-d sinusoidal
 * embedding (cos first, then sin; max period 10000), concatenated to 768 and the same for every frame.
 */
export interface MotionConditions {
  fpsId: number;
  motionBucketId: number;
  /** Also scales the noise added to the conditioning frame (pipeline.ts); ComfyUI's LVCD example workflow uses 0.02. */
  condAug: number;
}

export const DEFAULT_MOTION: MotionConditions = { fpsId: 6, motionBucketId: 160, condAug: 0 };

export function sinusoidalEmbedding(value: number, dim: number, out = new Float32Array(dim), offset = 0): Float32Array {
  const half = dim / 2;
  for (let j = 0; j < half; j++) {
    const angle = value * Math.exp((-Math.log(10000) * j) / half);
    out[offset + j] = Math.cos(angle);
    out[offset + half + j] = Math.sin(angle);
  }
  return out;
}

export function motionVector(c: MotionConditions = DEFAULT_MOTION): Float32Array {
  const out = new Float32Array(768);
  [c.fpsId, c.motionBucketId, c.condAug].forEach((v, i) => sinusoidalEmbedding(v, 256, out, i * 256));
  return out;
}

/** Repeats one row for every position of a window. */
export function repeatRows(row: Float32Array, count: number): Float32Array {
  const out = new Float32Array(row.length * count);
  for (let i = 0; i < count; i++) out.set(row, i * row.length);
  return out;
}
