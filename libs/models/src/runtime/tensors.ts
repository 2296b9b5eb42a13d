import { checkFeeds } from './feeds.js';
import { ort } from './ort.js';

/** A float32 ORT tensor from data and dims. */
export function floatTensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

/** Runs a session on named float32 inputs, checked against the model's inputs (`model` names it in errors), and returns its float32 outputs by name. */
export async function runFloat(
  session: ort.InferenceSession,
  inputs: Readonly<Record<string, { data: Float32Array; dims: readonly number[] }>>,
  model = 'model',
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(inputs)) feeds[name] = floatTensor(t.data, t.dims);
  checkFeeds(model, session, feeds);
  const results = await session.run(feeds);
  const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
  for (const [name, t] of Object.entries(results)) {
    if (t.type !== 'float32') throw new TypeError(`output "${name}" is ${t.type}, expected float32`);
    out[name] = { data: t.data as Float32Array, dims: t.dims };
  }
  return out;
}

/** Largest absolute elementwise difference (Infinity when lengths differ or a value is NaN). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}
