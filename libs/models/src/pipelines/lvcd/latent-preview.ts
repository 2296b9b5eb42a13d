import { WINDOW } from './window-plan.js';

/**
 * A fast look at a latent without the VAE: each latent pixel's 4 channels projected linearly to RGB.
 * The factors are the widely used linear fit for the Stable Diffusion VAE that SVD shares (scaled latents in,
 * roughly [-1, 1] RGB out). Good enough to watch a window denoise; never used for results.
 */
const LATENT_RGB: readonly (readonly [number, number, number])[] = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];

/** Scaled latent (4, h, w) to an 8-bit RGB image (h x w, interleaved). */
export function latentPreviewRgb(latent: Float32Array, height: number, width: number): Uint8Array {
  const plane = height * width;
  if (latent.length !== LATENT_RGB.length * plane) throw new RangeError(`a (${LATENT_RGB.length}, ${height}, ${width}) latent holds ${LATENT_RGB.length * plane} values, not ${latent.length}`);
  const out = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      let v = 0;
      for (const [k, rgb] of LATENT_RGB.entries()) v += latent[k * plane + i]! * rgb[c]!;
      out[i * 3 + c] = Math.round(Math.min(1, Math.max(-1, v)) * 127.5 + 127.5);
    }
  }
  return out;
}

/**
 * A preview of a step's denoised window (positions, channels, h, w) at its first video position (the progress's
 * `firstFrame`); undefined for latents other than the 4 channels the projection is fitted to.
 */
export function windowPreviewRgb(denoised: Float32Array, latentHeight: number, latentWidth: number): Uint8Array | undefined {
  const row = denoised.length / WINDOW.length;
  const channels = row / (latentHeight * latentWidth);
  if (!Number.isInteger(channels)) throw new RangeError(`${denoised.length} values are no (${WINDOW.length}, c, ${latentHeight}, ${latentWidth}) window`);
  if (channels !== LATENT_RGB.length) return undefined;
  const position = WINDOW.length - WINDOW.video;
  return latentPreviewRgb(denoised.subarray(position * row, (position + 1) * row), latentHeight, latentWidth);
}
