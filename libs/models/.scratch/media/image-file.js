import sharp from 'sharp';
import { decodeRgb } from '../frames/index.js';
import { MediaError } from './media-error.js';
export const defaultImageLimits = { maxPixels: 8192 * 8192 };
/**
 * Decodes one image (PNG, JPEG, WebP, GIF's first frame) to RGB, checking its header size first so an
 * oversized image is refused before any pixel is allocated. `label` names the file in messages.
 */
export async function readImageChecked(input, label, limits = defaultImageLimits) {
    let meta;
    try {
        meta = await sharp(input, { limitInputPixels: false }).metadata();
    }
    catch (e) {
        throw new MediaError(`"${label}" is not a readable image (${shortReason(e)})`, 'use a valid PNG, JPEG or WebP file');
    }
    const { width = 0, height = 0 } = meta;
    if (width * height > limits.maxPixels) {
        throw new MediaError(`"${label}" is ${width}x${height}, over the limit of ${limits.maxPixels} pixels`, `scale it down (e.g. to 576x320, the model's grid) before uploading`);
    }
    try {
        return await decodeRgb(input, limits.maxPixels);
    }
    catch (e) {
        throw new MediaError(`"${label}" is damaged and cannot be decoded (${shortReason(e)})`, 'export the image again from its source');
    }
}
function shortReason(e) {
    const text = e instanceof Error ? e.message : String(e);
    return text.split('\n')[0].slice(0, 160);
}
