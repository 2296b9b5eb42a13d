import type { RgbImage } from '../frames/index.js';
import type { Rgb } from './palette-snap.js';

/** `multiply`: the frame times the sketch tinted with the line colour; `replace`: the line colour laid over the frame as much as the sketch is inked. */
export const LINE_COMPOSITE_MODES = ['multiply', 'replace'] as const;
export type LineCompositeMode = (typeof LINE_COMPOSITE_MODES)[number];

/**
 * Puts a sketch's clean lines back over a coloured frame. The ink amount of a pixel is 1 - grey/255 (the
 * sketch convention: white paper, dark lines), so anti-aliased edges blend instead of stepping.
 */
export function compositeLines(frame: RgbImage, sketch: RgbImage, mode: LineCompositeMode, lineColour: Rgb): RgbImage {
  if (frame.width !== sketch.width || frame.height !== sketch.height) throw new RangeError(`frame is ${frame.width}x${frame.height} but its sketch is ${sketch.width}x${sketch.height}`);
  const f = frame.data;
  const s = sketch.data;
  const data = new Uint8Array(f.length);
  for (let p = 0; p < f.length; p += 3) {
    const ink = 1 - (s[p]! + s[p + 1]! + s[p + 2]!) / 765;
    for (let c = 0; c < 3; c++) {
      const tint = 255 + (lineColour[c]! - 255) * ink; // white paper towards the line colour
      data[p + c] = Math.round(mode === 'multiply' ? (f[p + c]! * tint) / 255 : f[p + c]! + (lineColour[c]! - f[p + c]!) * ink);
    }
  }
  return { width: frame.width, height: frame.height, data };
}

/** Parses "#rrggbb" (or "rrggbb"); undefined when it is not one. */
export function parseHexColour(text: string): Rgb | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text.trim());
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : undefined;
}
