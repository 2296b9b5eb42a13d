import sharp from 'sharp';

/** An 8-bit RGB image, pixels interleaved row by row: the one in-memory image form of the studio. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function createRgbImage(width: number, height: number, fill = 0): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3).fill(fill) };
}

/** Decodes any image sharp reads (PNG, JPEG, WebP, ...) to RGB, dropping alpha over white paper. */
export async function decodeRgb(input: string | Uint8Array, limitInputPixels = 8192 * 8192): Promise<RgbImage> {
  const { data, info } = await sharp(input, { limitInputPixels })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Fast PNG (level 1): frame stores favour speed over size, as they are working files. */
export async function encodePng(image: RgbImage, compressionLevel = 1): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel })
    .toBuffer();
}
