import sharp from 'sharp';
export function createRgbImage(width, height, fill = 0) {
    return { width, height, data: new Uint8Array(width * height * 3).fill(fill) };
}
/** Decodes any image sharp reads (PNG, JPEG, WebP, ...) to RGB, dropping alpha over white paper. */
export async function decodeRgb(input, limitInputPixels = 8192 * 8192) {
    const { data, info } = await sharp(input, { limitInputPixels })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
/** Fast PNG (level 1): frame stores favour speed over size, as they are working files. */
export async function encodePng(image, compressionLevel = 1) {
    return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
        .png({ compressionLevel })
        .toBuffer();
}
