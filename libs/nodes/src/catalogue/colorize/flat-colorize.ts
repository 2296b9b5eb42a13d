import { defineNode } from '../../runtime/define-node.js';
import { decodeRgb, defaultFlatColorizeOptions, fitImage, FlatColorizer, type RgbImage } from '@lvcd/media';
import { streamFrames, writeFrames } from '../frames/frame-io.js';
import { COLORIZER_SOCKETS } from './colorizer-sockets.js';

export const flatColorize = defineNode({
  type: 'colorize/flat',
  title: 'Flat Colorize',
  category: 'colorize',
  description:
    "Colours every frame with no network: splits each sketch into closed regions, fills frame 0's regions with the reference's median colour, and carries colours to later frames by matching regions (overlap, then position, area and shape). The default colorizer and a baseline.",
  version: 1,
  ...COLORIZER_SOCKETS,
  params: [
    { name: 'lineThreshold', label: 'Line darkness', description: 'Sketch pixels darker than this are walls between regions.', schema: { kind: 'integer', default: defaultFlatColorizeOptions.lineThreshold, min: 1, max: 254 } },
    { name: 'gapClose', label: 'Close gaps (px)', description: 'Bridges breaks in the lines up to about twice this many pixels.', schema: { kind: 'integer', default: defaultFlatColorizeOptions.gapClose, min: 0, max: 10 } },
    { name: 'minArea', label: 'Smallest region (px)', description: 'Regions smaller than this many pixels are not coloured on their own but merged into the region nearest them.', schema: { kind: 'integer', default: defaultFlatColorizeOptions.minArea, min: 1, max: 10_000 } },
  ],
  async execute(ctx) {
    const reference = ctx.inputs.reference;
    const sketches = ctx.inputs.sketches;
    let refImage: RgbImage = await decodeRgb(reference.file);
    // A reference of another size is fitted to the sketches (crop keeps its aspect), as LVCD conditions on it.
    refImage = await fitImage(refImage, sketches.width, sketches.height, 'crop');
    const colorizer = new FlatColorizer(refImage, {
      ...defaultFlatColorizeOptions,
      lineThreshold: ctx.params.lineThreshold,
      gapClose: ctx.params.gapClose,
      minArea: ctx.params.minArea,
    });
    const frames = async function* (): AsyncGenerator<RgbImage> {
      for await (const sketch of streamFrames(ctx, sketches)) yield colorizer.colorize(sketch);
    };
    return { frames: await writeFrames(ctx, frames(), sketches.fps, { total: sketches.count }) };
  },
});
