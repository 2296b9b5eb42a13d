import sharp from 'sharp';
import type { RgbImage } from '../frames/index.js';

export const FIT_MODES = ['crop', 'pad', 'stretch'] as const;
export type FitMode = (typeof FIT_MODES)[number];

/** LVCD works on a grid of 64 pixels (8x VAE downsampling, then 8x in the UNet). */
export const MODEL_GRID = 64;

/**
 * Resizes to exactly width x height: `crop` keeps the aspect and cuts the overflow (centred), `pad` keeps
 * the aspect and fills the bars with `pad` (white, the paper of a sketch, by default), `stretch` ignores it.
 */
export async function fitImage(image: RgbImage, width: number, height: number, mode: FitMode, pad: [number, number, number] = [255, 255, 255]): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  const fit = mode === 'crop' ? 'cover' : mode === 'pad' ? 'contain' : 'fill';
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit, position: 'centre', background: { r: pad[0], g: pad[1], b: pad[2] }, kernel: 'lanczos3' })
    .removeAlpha()
    .raw()
    .toBuffer();
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
