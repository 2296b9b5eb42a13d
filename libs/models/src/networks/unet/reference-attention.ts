import type { GraphBuilder, Tensor } from '../../onnx/index.js';
import { multiHeadAttention } from './attention.js';

/**
 * The graph inputs that drive every hooked spatial self-attention (see reference-attention-inputs.ts
 * for the host tables). They replace the original's forward hook: the host sets them per step.
 */
export interface ReferenceAttentionTensors {
  /** int64 (T) */
  readonly selfIndex: Tensor;
  /** int64 (T) */
  readonly refIndex: Tensor;
  /** float32 (T, 2) */
  readonly logitBias: Tensor;
  /** float32 (layers): 1 where a layer adds the logit bias, ControlNet layers first. */
  readonly layerMask: Tensor;
}

/**
 * LVCD's hooked `attn1` (inference/model_hack.py): q, k, v from the layer's own projections of the
 * (norm1-ed) tokens (T, N, C); position t attends to the 2N tokens of frames selfIndex[t] and
 * refIndex[t] (a Gather on the frame axis), with logitBias[t, half] * layerMask[maskIndex] added to
 * the logits of each half. Indices [t] / [0] with a zero bias give the un-hooked training layer.
 * `frameGroup` computes the attention for that many frames at a time (memory bound, same result).
 */
export function referenceSelfAttention(
  b: GraphBuilder,
  x: Tensor,
  heads: number,
  ref: ReferenceAttentionTensors,
  maskIndex: number,
  frameGroup?: number,
): Tensor {
  const q = b.linear(x, 'to_q', { bias: false });
  const k = b.linear(x, 'to_k', { bias: false });
  const v = b.linear(x, 'to_v', { bias: false });
  // K/V are projected once per frame and then indexed, so the gather costs no extra matmuls.
  const pair = (t: Tensor) => b.concat([b.gather(t, ref.selfIndex, 0), b.gather(t, ref.refIndex, 0)], 1);
  // (T, 2) scaled by this layer's flag -> (T, 1, 1, 2, 1): one value per key half.
  const bias = b.reshape(b.mul(ref.logitBias, b.gather(ref.layerMask, maskIndex, 0)), [-1, 1, 1, 2, 1]);
  // Add the bias on a (T, heads, N, 2, N) view of the logits, so no (T, 1, N, 2N) bias is materialised.
  const addBias = (scores: Tensor, rows: Tensor) => b.reshape(b.add(b.reshape(scores, [0, 0, 0, 2, -1]), rows), [0, 0, 0, -1]);
  const [k2, v2] = [pair(k), pair(v)];
  const frames = q.shape[0];
  let out: Tensor;
  if (frameGroup === undefined || typeof frames !== 'number' || frameGroup >= frames) {
    out = multiHeadAttention(b, q, k2, v2, heads, (scores) => addBias(scores, bias));
  } else {
    // Frames attend independently, so running them in groups is exact; it bounds the transient
    // (group, heads, N, 2N) logits, 6.3 GB in float32 for all 19 frames at 40x72 latents.
    const parts: Tensor[] = [];
    for (let start = 0; start < frames; start += frameGroup) {
      const end = Math.min(frames, start + frameGroup);
      const rows = (t: Tensor) => b.slice(t, [0], [start], [end]);
      parts.push(multiHeadAttention(b, rows(q), rows(k2), rows(v2), heads, (scores) => addBias(scores, rows(bias))));
    }
    out = b.concat(parts, 0);
  }
  return b.linear(out, 'to_out.0');
}
