import type { GraphBuilder, Tensor } from '../../onnx/index.js';
import { staticDim } from './ops.js';
import { alphaBlend, maskedConv3d } from './temporal.js';

/** GroupNorm32 of the ResBlocks ("normalization" in sgm util.py): 32 groups, eps 1e-5. */
const RESBLOCK_NORM = { groups: 32, eps: 1e-5 } as const;

/**
 * The spatial half of a VideoResBlock (openaimodel ResBlock, per frame) on (T, Cin, h, w):
 * in_layers (GN, SiLU, conv 3x3) + emb_layers(SiLU(emb)) per channel, out_layers (GN, SiLU,
 * dropout = identity, conv 3x3), plus the 1x1 skip_connection when the width changes.
 */
function spatialResBlock(b: GraphBuilder, x: Tensor, siluEmb: Tensor, outChannels: number): Tensor {
  const inChannels = staticDim(x, 1, b.keyOf('in_layers'));
  let h = b.conv2d(b.silu(b.groupNorm(x, 'in_layers.0', RESBLOCK_NORM)), 'in_layers.2', { pad: 1 });
  h = b.add(h, b.unsqueeze(b.linear(siluEmb, 'emb_layers.1'), [2, 3]));
  h = b.conv2d(b.silu(b.groupNorm(h, 'out_layers.0', RESBLOCK_NORM)), 'out_layers.3', { pad: 1 });
  const skip = inChannels === outChannels ? x : b.conv2d(x, 'skip_connection');
  return b.add(skip, h);
}

/**
 * The temporal ResBlock `time_stack` on (1, C, T, h, w): GroupNorm statistics span all frames
 * (QUIRK: so the reference-path positions still influence the video positions through them), masked
 * 3-D convs, the per-frame embedding added as (1, C, T, 1, 1), identity skip.
 */
function temporalResBlock(b: GraphBuilder, v: Tensor, siluEmb: Tensor): Tensor {
  return b.scope('time_stack', () => {
    let h = maskedConv3d(b, b.silu(b.groupNorm(v, 'in_layers.0', RESBLOCK_NORM)), 'in_layers.2');
    // emb (T, C) -> (1, C, T, 1, 1): exchange_temb_dims puts channels before time.
    const e = b.unsqueeze(b.transpose(b.linear(siluEmb, 'emb_layers.1'), [1, 0]), [0, 3, 4]);
    h = b.add(h, e);
    h = maskedConv3d(b, b.silu(b.groupNorm(h, 'out_layers.0', RESBLOCK_NORM)), 'out_layers.3');
    return b.add(v, h);
  });
}

/**
 * VideoResBlock (sgm video_model.py) on (T, Cin, h, w) with the per-frame embedding emb (T, E):
 * spatial ResBlock, then the temporal ResBlock on its output viewed as one clip, mixed with
 * alpha * spatial + (1 - alpha) * temporal.
 */
export function videoResBlock(b: GraphBuilder, x: Tensor, emb: Tensor, outChannels: number): Tensor {
  const siluEmb = b.silu(emb);
  const spatial = spatialResBlock(b, x, siluEmb, outChannels);
  const clip = b.unsqueeze(b.transpose(spatial, [1, 0, 2, 3]), [0]);
  const temporal = b.transpose(b.squeeze(temporalResBlock(b, clip, siluEmb), [0]), [1, 0, 2, 3]);
  return alphaBlend(b, spatial, temporal);
}
