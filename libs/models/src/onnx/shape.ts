import type { Dim } from './proto.js';

/** A graph-building mistake: shapes that cannot fit together, caught before any ONNX is written. */
export class GraphShapeError extends Error {
  override readonly name = 'GraphShapeError';
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}

/** True when two dims may be equal: both numbers must match; a symbolic dim can be anything. */
export function dimsCompatible(a: Dim, b: Dim): boolean {
  return typeof a === 'string' || typeof b === 'string' || a === b;
}

export function assertDim(actual: Dim, expected: Dim, what: string): void {
  if (!dimsCompatible(actual, expected)) throw new GraphShapeError(`${what}: expected ${expected}, got ${actual}`);
}

export function assertRank(shape: readonly Dim[], rank: number, what: string): void {
  if (shape.length !== rank) throw new GraphShapeError(`${what}: expected rank ${rank}, got ${formatShape(shape)}`);
}

/** Numpy-style broadcasting of two shapes (symbolic dims are trusted to agree). */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[], what: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) throw new GraphShapeError(`${what}: cannot broadcast ${formatShape(a)} with ${formatShape(b)}`);
      out.push(x);
    } else out.push(typeof x === 'number' ? x : y);
  }
  return out;
}

/** Arithmetic on possibly symbolic dims; symbolic results become readable expressions. */
export function dimExpr(dim: Dim, fn: (n: number) => number, text: (s: string) => string): Dim {
  return typeof dim === 'number' ? fn(dim) : text(dim);
}

export function product(dims: readonly Dim[]): Dim {
  return dims.every((d) => typeof d === 'number')
    ? (dims as number[]).reduce((a, b) => a * b, 1)
    : dims.map(String).join('*');
}

export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new GraphShapeError(`axis ${axis} out of range for rank ${rank}`);
  return a;
}
