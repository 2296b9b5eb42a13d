import type { GraphBuilder } from '../../onnx/graph-builder.js';
import type { Tensor } from '../../onnx/graph-core.js';
import { VAE_NORM, attnBlock, downsample, resnetBlock } from './vae-blocks.js';
import type { VaeEncoderConfig } from './vae-config.js';

/** DiagonalGaussianDistribution clamps logvar to this range. */
const LOGVAR_RANGE = [-30, 20] as const;

/** The SD-style Encoder (double_z) inside the current scope; returns the 2*z moments. */
export function encoderMoments(b: GraphBuilder, img: Tensor, config: VaeEncoderConfig): Tensor {
  let h = b.conv2d(img, 'conv_in', { pad: 1 });
  config.chMult.forEach((_, level) => {
    h = b.scope(`down.${level}`, () => {
      let x = h;
      for (let i = 0; i < config.numResBlocks; i++) x = b.scope(`block.${i}`, () => resnetBlock(b, x));
      return level < config.chMult.length - 1 ? b.scope('downsample', () => downsample(b, x)) : x;
    });
  });
  h = b.scope('mid', () => {
    const x = b.scope('block_1', () => resnetBlock(b, h));
    const y = b.scope('attn_1', () => attnBlock(b, x));
    return b.scope('block_2', () => resnetBlock(b, y));
  });
  return b.conv2d(b.silu(b.groupNorm(h, 'norm_out', VAE_NORM)), 'conv_out', { pad: 1 });
}

function splitPosterior(b: GraphBuilder, moments: Tensor, zChannels: number) {
  const [mean, logvar] = b.split(moments, [zChannels, zChannels], 1);
  return { mean: mean!, logvar: b.clip(logvar!, LOGVAR_RANGE[0], LOGVAR_RANGE[1]) };
}

const latentDims = (z: number) => ['batch', z, 'latent_height', 'latent_width'] as const;

/**
 * First-stage encoder (`first_stage_model.encoder`, no quant_conv): posterior mean and clamped
 * logvar. The host samples z = mean + exp(logvar/2) * eps with its seeded RNG and scales by 0.18215.
 */
export function buildVaeEncoder(b: GraphBuilder, config: VaeEncoderConfig, prefix = 'first_stage_model.encoder'): void {
  const img = b.input('img', ['batch', 3, 'height', 'width'], 'float32', 'RGB in [-1, 1]');
  const moments = b.scope(prefix, () => encoderMoments(b, img, config));
  const { mean, logvar } = splitPosterior(b, moments, config.zChannels);
  b.output(mean, 'mean', latentDims(config.zChannels), 'posterior mean (unscaled latent)');
  b.output(logvar, 'logvar', latentDims(config.zChannels), 'posterior log-variance, clamped to [-30, 20]');
}

/**
 * The conditioner's reference encoder (`conditioner.embedders.3.encoder`, a legacy AutoencoderKL):
 * encoder, 1x1 quant_conv, posterior MODE (the mean), no scale factor.
 */
export function buildCondEncoder(b: GraphBuilder, config: VaeEncoderConfig, prefix = 'conditioner.embedders.3.encoder'): void {
  const img = b.input('img', ['batch', 3, 'height', 'width'], 'float32', 'reference RGB in [-1, 1]');
  const moments = b.scope(prefix, () => b.conv2d(b.scope('encoder', () => encoderMoments(b, img, config)), 'quant_conv'));
  const { mean } = splitPosterior(b, moments, config.zChannels);
  b.output(mean, 'latent', latentDims(config.zChannels), 'posterior mode (unscaled latent); repeat per frame for c.concat');
}
