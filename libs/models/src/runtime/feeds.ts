import type { ort } from './ort.js';
import { declaredInputs } from './session.js';

/** A session call whose feeds do not fit the model: names what is missing, unknown or of the wrong type or shape. */
export class FeedError extends Error {
  override readonly name = 'FeedError';
}

function describeShape(shape: ReadonlyArray<number | string>): string {
  return `(${shape.join(', ')})`;
}

/**
 * Checks feeds against the model's declared inputs (declaredInputs) before ONNX Runtime sees them (as transformers.js
 * does), so a wrong call fails with every input's name, type and shape instead of an opaque runtime error from deep
 * inside a graph. Symbolic dimensions accept any size; fixed ones must match.
 */
export function checkFeeds(model: string, session: ort.InferenceSession, feeds: Readonly<Record<string, ort.Tensor>>): void {
  const problems: string[] = [];
  const inputs = declaredInputs(session);
  const expected = new Set(inputs.map((i) => i.name));
  for (const name of Object.keys(feeds)) if (!expected.has(name)) problems.push(`unknown input "${name}"`);
  for (const meta of inputs) {
    const feed = feeds[meta.name];
    if (!feed) {
      problems.push(`missing input "${meta.name}"${meta.isTensor ? ` ${meta.type} ${describeShape(meta.shape)}` : ''}`);
      continue;
    }
    if (!meta.isTensor) continue;
    const fits =
      feed.type === meta.type &&
      (meta.shape.length === 0 || (feed.dims.length === meta.shape.length && meta.shape.every((d, i) => typeof d === 'string' || d === feed.dims[i])));
    if (!fits) problems.push(`input "${meta.name}" expects ${meta.type} ${describeShape(meta.shape)}, got ${feed.type} ${describeShape(feed.dims)}`);
  }
  if (problems.length > 0) throw new FeedError(`${model}: ${problems.join('; ')}`);
}
