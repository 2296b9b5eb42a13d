import type { GraphBuilder } from '../../onnx/graph-builder.js';
import { VAE_NORM, attnBlock, framesToVideo, upsample, videoResnetBlock, videoToFrames } from './vae-blocks.js';
import type { VaeDecoderConfig } from './vae-config.js';

/**
 * The temporal VAE decoder (`first_stage_model.decoder`, VideoDecoder, time_mode conv-only).
 * Input: UNSCALED latents (latent / 0.18215) of one chunk; the frame axis is dynamic and every
 * temporal layer treats the chunk as one video. Output pixels in about [-1, 1], not clamped.
 */
export function buildVaeDecoder(b: GraphBuilder, config: VaeDecoderConfig, prefix = 'first_stage_model.decoder'): void {
  const z = b.input('z', ['frames', config.zChannels, 'latent_height', 'latent_width'], 'float32', 'unscaled latents of one chunk');
  const pixels = b.scope(prefix, () => {
    let h = b.conv2d(z, 'conv_in', { pad: 1 });
    h = b.scope('mid', () => {
      const x = b.scope('block_1', () => videoResnetBlock(b, h));
      const y = b.scope('attn_1', () => attnBlock(b, x));
      return b.scope('block_2', () => videoResnetBlock(b, y));
    });
    for (let level = config.chMult.length - 1; level >= 0; level--) {
      h = b.scope(`up.${level}`, () => {
        let x = h;
        for (let i = 0; i <= config.numResBlocks; i++) x = b.scope(`block.${i}`, () => videoResnetBlock(b, x));
        return level > 0 ? b.scope('upsample', () => upsample(b, x)) : x;
      });
    }
    h = b.silu(b.groupNorm(h, 'norm_out', VAE_NORM));
    // AE3DConv: a per-frame Conv2d, then a Conv3d across the chunk's frames (zero padded).
    return b.scope('conv_out', () => {
      const perFrame = b.conv2d(h, '', { pad: 1 });
      const [kt] = config.videoKernelSize;
      const mixed = b.conv3d(framesToVideo(b, perFrame), 'time_mix_conv', { pad: [Math.floor(kt! / 2), 0, 0] });
      return videoToFrames(b, mixed);
    });
  });
  b.output(pixels, 'pixels', ['frames', 3, 'height', 'width'], 'RGB in about [-1, 1]; the host clamps');
}
