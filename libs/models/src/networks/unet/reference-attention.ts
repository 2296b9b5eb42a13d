import type { GraphBuilder, Tensor } from '../../onnx/index.js';
import { plainAttention } from './attention.js';
import { staticDim } from './ops.js';

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
 * Extra query/key channels per head in the fused form: one carries the bias, the rest are zero so
 * the head size stays a multiple of 8 (CUDA's memory-efficient attention kernels need that).
 */
const BIAS_CHANNELS = 8;

/**
 * The fused form of the biased attention over two key halves: MultiHeadAttention without an
 * attention_bias input, because the CPU kernel materialises (T, heads, N, 2N) probabilities when given
 * one and only broadcasts a bias over batch and heads (a (T, 1, N, 2N) bias would be built too).
 * The bias rides on an extra channel instead: q' = [q_h, 1, 0...], k' = [k_h, bias * sqrt(d), 0...]
 * with the scale pinned to 1/sqrt(d), so scale * q'.k' = q_h.k_h / sqrt(d) + bias exactly as the
 * original adds it, and the kernel stays tiled.
 */
function fusedTwoHalfAttention(b: GraphBuilder, q: Tensor, k2: Tensor, v2: Tensor, heads: number, halfBias: Tensor): Tensor {
  const c = staticDim(q, 2, b.keyOf('to_q'));
  const d = c / heads;
  const wide = d + BIAS_CHANNELS;
  const marker = b.constant(Array.from({ length: wide }, (_, i) => (i === d ? 1 : 0)), [wide], 'float32', 'bias_channel');
  const widen = (t: Tensor, view: number[]) => {
    const heads5 = b.reshape(t, view);
    return b.pad(heads5, [...new Array<number>(2 * view.length - 1).fill(0), BIAS_CHANNELS]);
  };
  const qWide = b.reshape(b.add(widen(q, [0, 0, heads, d]), marker), [0, 0, heads * wide]);
  // (T, 2) -> (T, 2, 1, 1, wide): each key half's bias on the marker channel, times sqrt(d) to undo the scale.
  const keyBias = b.mul(b.reshape(b.scale(halfBias, Math.sqrt(d)), [-1, 2, 1, 1, 1]), marker);
  const kWide = b.reshape(b.add(widen(k2, [0, 2, -1, heads, d]), keyBias), [0, -1, heads * wide]);
  return b.multiHeadAttention(qWide, kWide, v2, { heads, scale: 1 / Math.sqrt(d) });
}

/** The plain form: the bias added on a (T, heads, N, 2, N) view of the logits, so no (T, 1, N, 2N) bias is materialised. */
function plainTwoHalfAttention(b: GraphBuilder, q: Tensor, k2: Tensor, v2: Tensor, heads: number, halfBias: Tensor): Tensor {
  const rows = b.reshape(halfBias, [-1, 1, 1, 2, 1]);
  return plainAttention(b, q, k2, v2, heads, (scores) => b.reshape(b.add(b.reshape(scores, [0, 0, 0, 2, -1]), rows), [0, 0, 0, -1]));
}

/**
 * LVCD's hooked `attn1` (inference/model_hack.py): q, k, v from the layer's own projections of the
 * (norm1-ed) tokens (T, N, C); position t attends to the 2N tokens of frames selfIndex[t] and
 * refIndex[t] (a Gather on the frame axis), with logitBias[t, half] * layerMask[maskIndex] added to
 * the logits of each half. Indices [t] / [0] with a zero bias give the un-hooked training layer.
 * Built in the builder's attention form.
 * `frameGroup` computes the attention for that many frames at a time (same result; bounds the plain
 * form's logits).
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
  // (T, 2): one bias per key half, scaled by this layer's flag.
  const halfBias = b.mul(ref.logitBias, b.gather(ref.layerMask, maskIndex, 0));
  const attend = b.attentionForm === 'fused' ? fusedTwoHalfAttention : plainTwoHalfAttention;
  const [k2, v2] = [pair(k), pair(v)];
  const frames = q.shape[0];
  let out: Tensor;
  if (frameGroup === undefined || typeof frames !== 'number' || frameGroup >= frames) {
    out = attend(b, q, k2, v2, heads, halfBias);
  } else {
    // Frames attend independently, so running them in groups is exact; in the plain form it bounds the
    // transient (group, heads, N, 2N) logits, 6.3 GB in float32 for all 19 frames at 40x72 latents.
    const parts: Tensor[] = [];
    for (let start = 0; start < frames; start += frameGroup) {
      const end = Math.min(frames, start + frameGroup);
      const rows = (t: Tensor) => b.slice(t, [0], [start], [end]);
      parts.push(attend(b, rows(q), rows(k2), rows(v2), heads, rows(halfBias)));
    }
    out = b.concat(parts, 0);
  }
  return b.linear(out, 'to_out.0');
}
