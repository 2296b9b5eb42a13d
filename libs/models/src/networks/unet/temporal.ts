import type { GraphBuilder, Tensor } from '../../onnx/index.js';
import { GraphShapeError, formatShape } from '../../onnx/index.js';
import { REFERENCE_PATH_FRAMES, VIDEO_FRAMES, WINDOW_FRAMES } from './config.js';
import { gegluFeedForward, maskedAttention, singleTokenCrossAttention } from './attention.js';
import { sinusoidTable } from './embeddings.js';
import { acknowledgeUnusedWeight, oneMinus, staticDim } from './ops.js';

/**
 * The temporal parts of LVCD's video blocks: the learned alpha mixing, the masked 3-D convolution
 * (models/layers.py Conv3d_Masked), the masked temporal attention (TemporalAttention_Masked) inside
 * the temporal transformer block (time_stack.0), and the frame positional embedding.
 */

/**
 * AlphaBlender, merge_strategy "learned_with_images" with image_only_indicator = 0 (always, in LVCD):
 * alpha = sigmoid(mix_factor); out = alpha * spatial + (1 - alpha) * temporal. Note the direction:
 * the VAE decoder's blender is the other way round; this one weights the SPATIAL branch by alpha.
 */
export function alphaBlend(b: GraphBuilder, spatial: Tensor, temporal: Tensor): Tensor {
  const alpha = b.sigmoid(b.weight('time_mixer.mix_factor', [1]));
  return b.add(b.mul(spatial, alpha), b.mul(temporal, oneMinus(b, alpha)));
}

/**
 * Conv3d_Masked on (1, C, T, h, w), kernel (3, 1, 1), padding (1, 0, 0). The original interleaves a
 * zero frame after each of the first T - 14 frames; exactly equivalent: the first 5 frames are each
 * convolved as a clip of one frame (zero neighbours, so only the centre tap acts) and the last 14 as
 * one clip with zero padding at both ends. QUIRK: the 14 is hard-coded, which pins T = 19.
 */
export function maskedConv3d(b: GraphBuilder, x: Tensor, module: string): Tensor {
  if (x.shape.length !== 5 || x.shape[2] !== WINDOW_FRAMES) {
    throw new GraphShapeError(`${b.keyOf(module)}: masked temporal conv needs (1, C, ${WINDOW_FRAMES}, h, w), got ${formatShape(x.shape)}`);
  }
  const conv = (t: Tensor) => b.conv3d(t, module, { pad: [1, 0, 0] });
  // Isolated frames: move them to the batch axis, (5, C, 1, h, w); the same weight tensor serves both convs.
  const isolated = b.transpose(conv(b.transpose(b.slice(x, [2], [0], [REFERENCE_PATH_FRAMES]), [2, 1, 0, 3, 4])), [2, 1, 0, 3, 4]);
  const clip = conv(b.slice(x, [2], [REFERENCE_PATH_FRAMES], [WINDOW_FRAMES]));
  return b.concat([isolated, clip], 2);
}

/**
 * TemporalAttention_Masked's boolean mask as additive logits (T, T): position i may attend to j iff
 * (i < 5 and j = i) or (i >= 5 and j >= 5). The reference path never mixes with the video path.
 */
export function temporalAttentionMask(): Float32Array {
  const T = WINDOW_FRAMES;
  const dt = T - VIDEO_FRAMES;
  const mask = new Float32Array(T * T);
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      const allowed = i < dt ? j === i : j >= dt;
      mask[i * T + j] = allowed ? 0 : -Infinity;
    }
  }
  return mask;
}

/**
 * Frame indices of the SVT's temporal positional embedding. QUIRK (sgm video_attention.py, T > 14
 * branch): [0] * (T - 14) followed by 0..13, so the five reference-path positions and the first video
 * position share index 0 (as in training with T = 15: [0, 0, 1, ..., 13]).
 */
export function framePositionIndices(): number[] {
  const dt = WINDOW_FRAMES - VIDEO_FRAMES;
  return [...new Array<number>(dt).fill(0), ...Array.from({ length: VIDEO_FRAMES }, (_, i) => i)];
}

/** time_pos_embed.2(SiLU(time_pos_embed.0(tsemb(positions, C)))) as (T, 1, C). */
export function framePositionalEmbedding(b: GraphBuilder, channels: number): Tensor {
  const table = b.constant(sinusoidTable(framePositionIndices(), channels), [WINDOW_FRAMES, channels], 'float32', 'frame_pos');
  const pe = b.scope('time_pos_embed', () => b.linear(b.silu(b.linear(table, '0')), '2'));
  return b.unsqueeze(pe, [1]);
}

/**
 * VideoTransformerBlock `time_stack.0` on the spatial block's output z (T, N, C): add the frame
 * positional embedding, attend over time per spatial token, return (T, N, C).
 * u = z + pe -> (N, T, C); u += ff_in(norm_in(u)); u += attn1_masked(norm1(u));
 * u += attn2(norm2(u), context of frame 0); u += ff(norm3(u)).
 */
export function temporalTransformerBlock(b: GraphBuilder, z: Tensor, positional: Tensor, context: Tensor, heads: number): Tensor {
  const channels = staticDim(z, 2, b.keyOf('time_stack'));
  const mask = b.constant(temporalAttentionMask(), [1, 1, WINDOW_FRAMES, WINDOW_FRAMES], 'float32', 'temporal_mask');
  return b.scope('time_stack.0', () => {
    let u = b.transpose(b.add(z, positional), [1, 0, 2]);
    const nIn = b.layerNorm(u, 'norm_in', { eps: 1e-5 });
    u = b.add(u, b.scope('ff_in', () => gegluFeedForward(b, nIn)));
    const n1 = b.layerNorm(u, 'norm1', { eps: 1e-5 });
    const attn = b.scope('attn1', () => {
      const q = b.linear(n1, 'to_q', { bias: false });
      const k = b.linear(n1, 'to_k', { bias: false });
      const v = b.linear(n1, 'to_v', { bias: false });
      // The logits are (tokens, heads, 19, 19): small, so the fused form's non-tiled masked kernel is fine.
      return b.linear(maskedAttention(b, q, k, v, heads, mask), 'to_out.0');
    });
    u = b.add(u, attn);
    // The temporal context is context[::T], i.e. frame 0's token, repeated for every spatial token.
    const frame0 = b.slice(context, [0], [0], [1]);
    // norm2 only feeds attn2's (ineffective) queries: see singleTokenCrossAttention.
    acknowledgeUnusedWeight(b, 'norm2.weight', [channels]);
    acknowledgeUnusedWeight(b, 'norm2.bias', [channels]);
    u = b.add(u, b.scope('attn2', () => singleTokenCrossAttention(b, frame0, channels)));
    const n3 = b.layerNorm(u, 'norm3', { eps: 1e-5 });
    u = b.add(u, b.scope('ff', () => gegluFeedForward(b, n3)));
    return b.transpose(u, [1, 0, 2]);
  });
}
