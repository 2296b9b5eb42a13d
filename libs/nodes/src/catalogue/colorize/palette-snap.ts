import { defineNode } from '../../runtime/define-node.js';
import { decodeRgb, defaultPaletteSnapOptions, extractPalette, fitImage, parseHexColour, snapToPalette, type RegionOverride, type RgbImage } from '@lvcd/media';
import { NodeError } from '../../runtime/node-type.js';
import { writeFrames } from '../frames/frame-io.js';
import { pairedFrames } from './paired-frames.js';

/** "x,y=#rrggbb; x,y=#rrggbb" -> overrides; a NodeError naming the entry otherwise. */
export function parseOverrides(text: string): RegionOverride[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^(\d+)\s*,\s*(\d+)\s*=\s*(#?[0-9a-f]{6})$/i.exec(entry);
      const colour = m && parseHexColour(m[3]!);
      if (!m || !colour) throw new NodeError(`override "${entry}" is not "x,y=#rrggbb" (a pixel of the region, then its colour)`, 'overrides');
      return { x: Number(m[1]), y: Number(m[2]), colour };
    });
}

export const paletteSnap = defineNode({
  type: 'colorize/palette-snap',
  title: 'Palette Snap',
  category: 'colorize',
  description:
    "Snaps each closed region of every frame to the reference's cel palette: the palette is the median colour of each region of the reference (with the first sketch, which is the reference's), and a region whose median is within the tolerance of a palette colour is painted with it. Removes the colour noise of diffusion output inside cels; painted areas and new colours further than the tolerance are left alone. Overrides force the region under a pixel to a colour. Works after any colorizer.",
  version: 1,
  inputs: [
    { name: 'reference', type: 'IMAGE', label: 'Coloured reference (frame 0)' },
    { name: 'frames', type: 'FRAMES', label: 'Coloured frames' },
    { name: 'sketches', type: 'SKETCHES' },
  ],
  outputs: [{ name: 'frames', type: 'FRAMES' }],
  params: [
    { name: 'tolerance', label: 'Tolerance', description: 'Largest RGB distance from a palette colour at which a region is snapped.', schema: { kind: 'number', default: defaultPaletteSnapOptions.tolerance, min: 0, max: 442 } },
    { name: 'maxColours', label: 'Palette size', description: 'Most colours the palette takes from the reference, from its largest regions down.', schema: { kind: 'integer', default: defaultPaletteSnapOptions.maxColours, min: 1, max: 256 } },
    { name: 'overrides', label: 'Region overrides', description: 'x,y=#rrggbb entries separated by ";": the region under pixel x,y of every frame takes that colour.', schema: { kind: 'string', default: '', maxLength: 2000 } },
  ],
  async execute(ctx) {
    const overrides = parseOverrides(ctx.params.overrides);
    const { frames, sketches } = ctx.inputs;
    const reference = await fitImage(await decodeRgb(ctx.inputs.reference.file), sketches.width, sketches.height, 'crop');
    const options = { ...defaultPaletteSnapOptions, tolerance: ctx.params.tolerance, maxColours: ctx.params.maxColours };
    const bad = overrides.find((o) => o.x >= sketches.width || o.y >= sketches.height);
    if (bad) throw new NodeError(`override at ${bad.x},${bad.y} is outside the ${sketches.width}x${sketches.height} frames`, 'overrides');
    let palette: ReturnType<typeof extractPalette> | undefined;
    const out = async function* (): AsyncGenerator<RgbImage> {
      for await (const { frame, sketch } of pairedFrames(ctx, frames, sketches)) {
        palette ??= extractPalette(reference, sketch, options);
        yield snapToPalette(frame, sketch, palette, options, overrides);
      }
    };
    return { frames: await writeFrames(ctx, out(), frames.fps, { total: Math.min(frames.count, sketches.count) }) };
  },
});
