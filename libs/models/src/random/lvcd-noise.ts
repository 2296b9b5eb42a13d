import { TorchGenerator } from './torch-generator.js';

/** The noise the original LVCD run draws before its first window. */
export interface LvcdInitialNoise {
  /** x_T, (windowLength, channels, h, w): `torch.randn` right after `torch.manual_seed(seed)`. */
  xT: Float32Array;
  /** The first-stage posterior sample's normals (1, channels, h, w), drawn next (`DiagonalGaussianDistribution.sample`). */
  posteriorEps: Float32Array;
}

/**
 * What a seed means in the original (inference/sample_func.py `sample_video`): `torch.manual_seed(seed)`, x_T on the
 * CPU generator, then `encode_first_stage(reference)` samples its posterior with `torch.randn(mean.shape)`, also on
 * the CPU generator. Nothing else draws in between.
 */
export function lvcdInitialNoise(seed: number, windowLength: number, latentChannels: number, latentHeight: number, latentWidth: number): LvcdInitialNoise {
  const generator = new TorchGenerator(seed);
  const xT = generator.randn([windowLength, latentChannels, latentHeight, latentWidth]);
  const posteriorEps = generator.randn([1, latentChannels, latentHeight, latentWidth]);
  return { xT, posteriorEps };
}

/**
 * The noise of the conditioning frame, (1, 3, H, W): every window's `sample()` calls `seed_everything(seed)` and then
 * draws `cond_frames = reference + cond_aug * torch.randn_like(reference)` as its first draw, so it is the same
 * tensor in every window. The original draws it on the reference's device; this is the CPU generator's tensor, what
 * the original gives when it runs on the CPU (as the goldens were made). On CUDA torch's generator is another one.
 */
export function lvcdConditioningFrameNoise(seed: number, height: number, width: number): Float32Array {
  return new TorchGenerator(seed).randn([1, 3, height, width]);
}
