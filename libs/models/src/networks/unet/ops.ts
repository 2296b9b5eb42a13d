import type { GraphBuilder, Tensor } from '../../onnx/index.js';
import { GraphShapeError, formatShape } from '../../onnx/index.js';

/** Ops the shared builder does not wrap yet, built on its generic node API. */

export function cos(b: GraphBuilder, x: Tensor): Tensor {
  return b.node('Cos', [x], x.shape);
}

export function sin(b: GraphBuilder, x: Tensor): Tensor {
  return b.node('Sin', [x], x.shape);
}

/** 1 - x. */
export function oneMinus(b: GraphBuilder, x: Tensor): Tensor {
  return b.sub(b.scalar(1), x);
}

/**
 * Marks a checkpoint weight as mapped although the graph does not read it, after checking its
 * shape. Used only where the original's computation provably ignores the weight (the query and
 * key projections of a cross-attention over a single context token), so the real-size key check
 * still proves that every key of the checkpoint is accounted for.
 */
export function acknowledgeUnusedWeight(b: GraphBuilder, relative: string, expected: readonly number[]): void {
  const key = b.keyOf(relative);
  const shape = b.weightShape(relative);
  if (!shape) throw new GraphShapeError(`weight "${key}" is not in ${b.weights.description}`);
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw new GraphShapeError(`weight "${key}": expected ${formatShape(expected)}, checkpoint has ${formatShape(shape)}`);
  }
  b.consumedKeys.add(key);
}

/** Static channel count of axis `axis`, or a typed error naming the module. */
export function staticDim(x: Tensor, axis: number, what: string): number {
  const d = x.shape[axis < 0 ? x.shape.length + axis : axis];
  if (typeof d !== 'number') throw new GraphShapeError(`${what}: dim ${axis} of ${formatShape(x.shape)} must be static`);
  return d;
}
