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
  const out = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      let v = 0;
      for (let k = 0; k < 4; k++) v += latent[k * plane + i]! * LATENT_RGB[k]![c]!;
      out[i * 3 + c] = Math.round(Math.min(1, Math.max(-1, v)) * 127.5 + 127.5);
    }
  }
  return out;
}
