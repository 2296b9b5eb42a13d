import type { GraphBuilder } from '../../onnx/graph-builder.js';
import type { Tensor } from '../../onnx/graph-core.js';

/**
 * Building blocks of the SD-style autoencoder (sgm/modules/diffusionmodules/model.py and
 * sgm/modules/autoencoding/temporal_ae.py). Each runs inside the scope of its module path.
 */

/** "Normalize": GroupNorm(32, eps 1e-6), used by every VAE ResnetBlock and AttnBlock. */
export const VAE_NORM = { groups: 32, eps: 1e-6 } as const;
/** openaimodel "normalization" (GroupNorm32, eps 1e-5), used by the decoder's time_stack. */
export const TIME_STACK_NORM = { groups: 32, eps: 1e-5 } as const;

/** ResnetBlock without timestep embedding: two GN-SiLU-Conv3x3, 1x1 nin_shortcut when widths differ. */
export function resnetBlock(b: GraphBuilder, x: Tensor): Tensor {
  let h = b.conv2d(b.silu(b.groupNorm(x, 'norm1', VAE_NORM)), 'conv1', { pad: 1 });
  h = b.conv2d(b.silu(b.groupNorm(h, 'norm2', VAE_NORM)), 'conv2', { pad: 1 });
  const skip = b.hasWeight('nin_shortcut.weight') ? b.conv2d(x, 'nin_shortcut') : x;
  return b.add(skip, h);
}

/** Spatial self-attention over all H*W positions, one head, 1x1-conv q/k/v/proj_out, residual. */
export function attnBlock(b: GraphBuilder, x: Tensor): Tensor {
  const h = b.groupNorm(x, 'norm', VAE_NORM);
  const tokens = (t: Tensor) => b.transpose(b.reshape(t, [0, 0, -1]), [0, 2, 1]); // (N, HW, C)
  const attended = b.attention(tokens(b.conv2d(h, 'q')), tokens(b.conv2d(h, 'k')), tokens(b.conv2d(h, 'v')), 1);
  const spatial = b.reshapeTo(b.transpose(attended, [0, 2, 1]), b.shapeOf(x), x.shape);
  return b.add(x, b.conv2d(spatial, 'proj_out'));
}

/** Zero-pad right and bottom by one, then a stride-2 3x3 conv (the encoder's Downsample). */
export function downsample(b: GraphBuilder, x: Tensor): Tensor {
  return b.conv2d(b.pad(x, [0, 0, 0, 0, 0, 0, 1, 1]), 'conv', { stride: 2 });
}

/** Nearest x2 then a 3x3 conv (the decoder's Upsample). */
export function upsample(b: GraphBuilder, x: Tensor): Tensor {
  return b.conv2d(b.upsampleNearest(x, 2), 'conv', { pad: 1 });
}

/** (T, C, H, W) frames as one video (1, C, T, H, W), and back. */
export function framesToVideo(b: GraphBuilder, x: Tensor): Tensor {
  return b.transpose(b.unsqueeze(x, [0]), [0, 2, 1, 3, 4]);
}
export function videoToFrames(b: GraphBuilder, v: Tensor): Tensor {
  return b.squeeze(b.transpose(v, [0, 2, 1, 3, 4]), [0]);
}

/**
 * The decoder's VideoResBlock: the spatial ResnetBlock, then a temporal ResBlock (two
 * GN-SiLU-Conv3d (3,1,1) with zero padding over frames) mixed as
 * alpha * temporal + (1 - alpha) * spatial, alpha = sigmoid(mix_factor).
 * (The UNet's AlphaBlender mixes the other way round.)
 */
export function videoResnetBlock(b: GraphBuilder, x: Tensor): Tensor {
  const spatial = framesToVideo(b, resnetBlock(b, x));
  const temporal = b.scope('time_stack', () => {
    const conv = (t: Tensor, norm: string, module: string) =>
      b.conv3d(b.silu(b.groupNorm(t, norm, TIME_STACK_NORM)), module, { pad: [1, 0, 0] });
    return b.add(spatial, conv(conv(spatial, 'in_layers.0', 'in_layers.2'), 'out_layers.0', 'out_layers.3'));
  });
  const alpha = b.sigmoid(b.weight('mix_factor', [1]));
  const mixed = b.add(b.mul(alpha, temporal), b.mul(b.sub(b.scalar(1), alpha), spatial));
  return videoToFrames(b, mixed);
}
