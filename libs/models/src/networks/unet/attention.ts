import type { GraphBuilder, Tensor } from '../../onnx/index.js';
import { GraphShapeError, formatShape } from '../../onnx/index.js';
import { acknowledgeUnusedWeight, staticDim } from './ops.js';

/**
 * Scaled dot-product attention as plain ops on (B, Lq, C) queries and (B, Lk, C) keys/values, heads
 * as contiguous channel blocks (c = head * d + j), scale 1/sqrt(d). `addToScores` may add a bias to
 * the (B, heads, Lq, Lk) logits before the softmax (a mask, or the reference-attention bias).
 */
export function plainAttention(
  b: GraphBuilder,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  heads: number,
  addToScores?: (scores: Tensor) => Tensor,
): Tensor {
  const c = staticDim(q, 2, 'attention query');
  if (c % heads !== 0) throw new GraphShapeError(`attention: ${formatShape(q.shape)} not divisible into ${heads} heads`);
  const d = c / heads;
  const split = (t: Tensor, perm: number[]) => b.transpose(b.reshape(t, [0, 0, heads, d]), perm);
  const qh = split(b.scale(q, 1 / Math.sqrt(d)), [0, 2, 1, 3]);
  const kt = split(k, [0, 2, 3, 1]);
  let scores = b.matmul(qh, kt);
  if (addToScores) scores = addToScores(scores);
  const out = b.matmul(b.softmax(scores, -1), split(v, [0, 2, 1, 3]));
  return b.reshape(b.transpose(out, [0, 2, 1, 3]), [0, 0, c]);
}

/** Attention with an additive (1, 1, Lq, Lk) logit mask, in the builder's attention form. */
export function maskedAttention(b: GraphBuilder, q: Tensor, k: Tensor, v: Tensor, heads: number, mask: Tensor): Tensor {
  return b.attentionForm === 'fused'
    ? b.multiHeadAttention(q, k, v, { heads, attentionBias: mask })
    : plainAttention(b, q, k, v, heads, (scores) => b.add(scores, mask));
}

/**
 * Cross-attention (`attn2`) over LVCD's single context token (the CLIP image embedding). A softmax
 * over one key is exactly 1, so the result is to_out(to_v(context)) whatever the queries are: the
 * query and key projections cannot change it and are not computed (their weights are only
 * acknowledged). Returns (B, 1, C), which broadcasts over the query tokens.
 */
export function singleTokenCrossAttention(b: GraphBuilder, context: Tensor, channels: number): Tensor {
  const contextDim = staticDim(context, -1, 'cross-attention context');
  if (context.shape[context.shape.length - 2] !== 1) {
    throw new GraphShapeError(`cross-attention shortcut needs exactly one context token, got ${formatShape(context.shape)}`);
  }
  acknowledgeUnusedWeight(b, 'to_q.weight', [channels, channels]);
  acknowledgeUnusedWeight(b, 'to_k.weight', [channels, contextDim]);
  return b.linear(b.linear(context, 'to_v', { bias: false }), 'to_out.0');
}

/** GEGLU feed-forward: net.0.proj to 8C, a * GELU(gate) on its halves, net.2 back to C_out. */
export function gegluFeedForward(b: GraphBuilder, x: Tensor): Tensor {
  const p = b.linear(x, 'net.0.proj');
  const inner = staticDim(p, -1, b.keyOf('net.0.proj'));
  const [a, gate] = b.split(p, [inner / 2, inner / 2], -1);
  return b.linear(b.mul(a!, b.gelu(gate!)), 'net.2');
}
