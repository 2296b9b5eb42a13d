import type { GraphBuilder, Tensor } from '../../onnx/index.js';
import { gegluFeedForward, singleTokenCrossAttention } from './attention.js';
import { acknowledgeUnusedWeight, staticDim } from './ops.js';
import { referenceSelfAttention, type ReferenceAttentionTensors } from './reference-attention.js';
import { alphaBlend, framePositionalEmbedding, temporalTransformerBlock } from './temporal.js';

/** "Normalize" of the transformers: GroupNorm with 32 groups and eps 1e-6 (not the ResBlocks' 1e-5). */
const TRANSFORMER_NORM = { groups: 32, eps: 1e-6 } as const;

export interface SpatialTransformerInputs {
  /** (T, 1, context_dim): the CLIP token of each frame. */
  readonly context: Tensor;
  readonly reference: ReferenceAttentionTensors;
  /** Index of this layer's flag in the reference attention's layer mask. */
  readonly referenceLayer: number;
  readonly heads: number;
  /** Frames per reference-attention chunk (undefined: all at once). */
  readonly attentionFrameGroup?: number | undefined;
}

/**
 * SpatialVideoTransformer (sgm video_attention.py, depth 1, linear projections) on (T, C, h, w):
 * GN -> tokens (T, N, C) -> proj_in; the spatial BasicTransformerBlock (reference self-attention,
 * cross-attention to the CLIP token, GEGLU feed-forward); the temporal block on a copy; alpha mixing;
 * proj_out; back to (T, C, h, w) plus the input.
 */
export function spatialVideoTransformer(b: GraphBuilder, x: Tensor, inputs: SpatialTransformerInputs): Tensor {
  const channels = staticDim(x, 1, b.keyOf('norm'));
  // Token n = row * w + col, as rearrange "b c h w -> b (h w) c".
  const tokens = b.transpose(b.reshape(b.groupNorm(x, 'norm', TRANSFORMER_NORM), [0, 0, -1]), [0, 2, 1]);
  let z = b.linear(tokens, 'proj_in');
  const positional = framePositionalEmbedding(b, channels);
  z = b.scope('transformer_blocks.0', () => {
    const n1 = b.layerNorm(z, 'norm1', { eps: 1e-5 });
    let s = b.add(z, b.scope('attn1', () => referenceSelfAttention(b, n1, inputs.heads, inputs.reference, inputs.referenceLayer, inputs.attentionFrameGroup)));
    // norm2 only feeds attn2's queries, which a single-key softmax ignores.
    acknowledgeUnusedWeight(b, 'norm2.weight', [channels]);
    acknowledgeUnusedWeight(b, 'norm2.bias', [channels]);
    s = b.add(s, b.scope('attn2', () => singleTokenCrossAttention(b, inputs.context, channels)));
    const n3 = b.layerNorm(s, 'norm3', { eps: 1e-5 });
    return b.add(s, b.scope('ff', () => gegluFeedForward(b, n3)));
  });
  const temporal = temporalTransformerBlock(b, z, positional, inputs.context, inputs.heads);
  const mixed = b.linear(alphaBlend(b, z, temporal), 'proj_out');
  const back = b.reshapeTo(b.transpose(mixed, [0, 2, 1]), b.shapeOf(x), x.shape);
  return b.add(back, x);
}
