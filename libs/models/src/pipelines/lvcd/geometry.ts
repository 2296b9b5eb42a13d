/**
 * The shapes a bundle's networks work in, as the pipeline needs them: how far the VAE shrinks a frame, the latent's
 * channels and scale, and the positions of a denoiser call. Read from the bundle's manifest (`bundleGeometry`), as
 * diffusers reads `vae_scale_factor`, `scaling_factor` and `num_frames` from its components' configs.
 */
export interface LvcdGeometry {
  /** Frame pixels per latent pixel on each axis: the VAE's downsampling, 2^(levels - 1). */
  readonly latentFactor: number;
  /** Channels of one latent. */
  readonly latentChannels: number;
  /** Diffusion runs on latents x this; the decoder takes them divided by it again. */
  readonly scaleFactor: number;
  /** Positions of one denoiser call (the reference path and the video path). */
  readonly windowFrames: number;
  /** Frame sizes must be multiples of this: the latent factor times the UNet's own downsampling, so skips line up. */
  readonly sizeMultiple: number;
}

/** A latent's size for a frame of `height` x `width` pixels. */
export function latentSize(geometry: LvcdGeometry, height: number, width: number): { latentHeight: number; latentWidth: number } {
  return { latentHeight: height / geometry.latentFactor, latentWidth: width / geometry.latentFactor };
}
