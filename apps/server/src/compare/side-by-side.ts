import { decodeRgb, type RgbImage } from '@lvcd/media';
import sharp from 'sharp';

/** Gap between the two pictures, in pixels, so the seam between A and B stays visible. */
export const SIDE_GAP = 4;
const BACKGROUND = 24;

export interface SideBySideLayout {
  /** Size of one side (A's frame size; B is scaled to it). */
  width: number;
  height: number;
  labelHeight: number;
  /** Size of the composed frame (even, as H.264 in yuv420p needs). */
  outWidth: number;
  outHeight: number;
}

export function sideBySideLayout(width: number, height: number): SideBySideLayout {
  const labelHeight = Math.max(18, Math.round(height * 0.09));
  const even = (n: number) => n + (n % 2);
  return { width, height, labelHeight, outWidth: even(2 * width + SIDE_GAP), outHeight: even(height + labelHeight) };
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The label strip over both pictures, rendered once as raw RGB with sharp from SVG text (librsvg with the
 * system's fonts). Labels are user text: they are XML-escaped and clipped, never interpreted.
 */
export async function renderLabelStrip(layout: SideBySideLayout, labels: readonly [string, string]): Promise<Uint8Array> {
  const { outWidth, labelHeight, width } = layout;
  const size = Math.round(labelHeight * 0.62);
  const maxChars = Math.max(4, Math.floor(width / (size * 0.6)));
  const text = (label: string, x: number, colour: string) =>
    `<text x="${x}" y="${Math.round(labelHeight * 0.74)}" font-family="DejaVu Sans, sans-serif" font-size="${size}" font-weight="bold" fill="${colour}">${escapeXml(label.length > maxChars ? `${label.slice(0, maxChars - 1)}…` : label)}</text>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${outWidth}" height="${labelHeight}"><rect width="100%" height="100%" fill="rgb(${BACKGROUND},${BACKGROUND},${BACKGROUND})"/>${text(labels[0], 4, '#ffb347')}${text(labels[1], width + SIDE_GAP + 4, '#7fc8ff')}</svg>`;
  const { data } = await sharp(Buffer.from(svg)).flatten({ background: '#181818' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Decodes a frame PNG to RGB at the layout's side size (B may have another size than A). */
export async function readSide(png: string | Uint8Array, layout: SideBySideLayout): Promise<RgbImage> {
  const image = await decodeRgb(png);
  if (image.width === layout.width && image.height === layout.height) return image;
  const { data } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(layout.width, layout.height, { fit: 'contain', background: { r: BACKGROUND, g: BACKGROUND, b: BACKGROUND } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: layout.width, height: layout.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** One output frame: the label strip on top, A on the left, B on the right; plain row copies, no per-frame sharp call. */
export function composeSideBySide(layout: SideBySideLayout, strip: Uint8Array, a: RgbImage, b: RgbImage): RgbImage {
  const { outWidth, outHeight, labelHeight, width, height } = layout;
  const data = new Uint8Array(outWidth * outHeight * 3).fill(BACKGROUND);
  data.set(strip.subarray(0, outWidth * labelHeight * 3), 0);
  const row = width * 3;
  for (let y = 0; y < height; y++) {
    const out = ((labelHeight + y) * outWidth) * 3;
    data.set(a.data.subarray(y * row, y * row + row), out);
    data.set(b.data.subarray(y * row, y * row + row), out + (width + SIDE_GAP) * 3);
  }
  return { width: outWidth, height: outHeight, data };
}
