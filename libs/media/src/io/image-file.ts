import sharp, { type Metadata } from 'sharp';
import { decodeRgb, type RgbImage } from '../frames/index.js';
import { MediaError } from './media-error.js';

export interface ImageLimits {
  /** Most pixels one decoded image may have: guards against decompression bombs (a 20000x20000 PNG is ~1 GB raw). */
  maxPixels: number;
}

export const defaultImageLimits: ImageLimits = { maxPixels: 8192 * 8192 };

/**
 * Decodes one image (PNG, JPEG, WebP, GIF's first frame) to RGB, checking its header size first so an
 * oversized image is refused before any pixel is allocated. `label` names the file in messages.
 */
export async function readImageChecked(input: string | Uint8Array, label: string, limits: ImageLimits = defaultImageLimits): Promise<RgbImage> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new MediaError(`"${label}" is not a readable image (${shortReason(e)})`, 'use a valid PNG, JPEG or WebP file');
  }
  const { width = 0, height = 0 } = meta;
  if (width * height > limits.maxPixels) {
    throw new MediaError(
      `"${label}" is ${width}x${height}, over the limit of ${limits.maxPixels} pixels`,
      `scale it down (e.g. to 576x320, the model's grid) before uploading`,
    );
  }
  try {
    return await decodeRgb(input, limits.maxPixels);
  } catch (e) {
    throw new MediaError(`"${label}" is damaged and cannot be decoded (${shortReason(e)})`, 'export the image again from its source');
  }
}

/**
 * Width and height from an image's header (sharp reads only the header, of a file or of bytes), so an upload
 * declaring 20000 x 20000 (a decompression bomb: ~1.2 GB of RGB) is refused before anything allocates for it.
 * Undefined when there is no readable image header. PNG and JPEG sizes also come from a file's first bytes alone;
 * WebP needs the whole file (libwebp checks its RIFF length), so pass a path rather than a head.
 */
export async function readImageSize(input: string | Uint8Array): Promise<{ width: number; height: number } | undefined> {
  try {
    const { width, height } = await sharp(input, { limitInputPixels: false }).metadata();
    return width && height ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

function shortReason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.slice(0, 160);
}
