import { defineNode } from '../../runtime/define-node.js';
import { decodeRgb, defaultFlowColorizeOptions, fitImage, FlowColorizer, type RgbImage } from '@lvcd/media';
import { streamFrames, writeFrames } from '../frames/frame-io.js';
import { COLORIZER_SOCKETS } from './colorizer-sockets.js';

export const flowColorize = defineNode({
  type: 'colorize/flow',
  title: 'Flow Colorize',
  category: 'colorize',
  description:
    "Colours every frame with no network by following motion: dense optical flow (OpenCV Farneback) from each sketch to the reference and to the previous sketch, checked forward-backward, carries the reference's colours; areas whose lines did not change keep the reference's exact pixels, flat cels stay flat, and regions nothing could follow take what lay under them. Every frame is matched against the reference, so errors do not build up. The default colorizer.",
  version: 1,
  ...COLORIZER_SOCKETS,
  params: [
    { name: 'lineThreshold', label: 'Line darkness', description: 'Sketch pixels darker than this are lines.', schema: { kind: 'integer', default: defaultFlowColorizeOptions.lineThreshold, min: 1, max: 254 } },
    { name: 'maxCost', label: 'Trust (px)', description: 'How far (in pixels of line distance) a flow mapping may disagree with the reference and still be used; lower falls back to region fills more often.', schema: { kind: 'number', default: defaultFlowColorizeOptions.maxCost, min: 0.1, max: 10 } },
    { name: 'flatStd', label: 'Flat below', description: 'Regions whose followed colours vary less than this (RGB standard deviation) are painted with one colour.', schema: { kind: 'number', default: defaultFlowColorizeOptions.flatStd, min: 0, max: 255 } },
    { name: 'gapClose', label: 'Close gaps (px)', description: 'Bridges breaks in the lines up to about twice this many pixels.', schema: { kind: 'integer', default: defaultFlowColorizeOptions.gapClose, min: 0, max: 10 } },
  ],
  async execute(ctx) {
    const sketches = ctx.inputs.sketches;
    // A reference of another size is fitted to the sketches (crop keeps its aspect), as LVCD conditions on it.
    const reference: RgbImage = await fitImage(await decodeRgb(ctx.inputs.reference.file), sketches.width, sketches.height, 'crop');
    const colorizer = await FlowColorizer.create(reference, {
      ...defaultFlowColorizeOptions,
      lineThreshold: ctx.params.lineThreshold,
      maxCost: ctx.params.maxCost,
      flatStd: ctx.params.flatStd,
      gapClose: ctx.params.gapClose,
    });
    const frames = async function* (): AsyncGenerator<RgbImage> {
      try {
        for await (const sketch of streamFrames(ctx, sketches)) yield colorizer.colorize(sketch);
      } finally {
        colorizer.dispose();
      }
    };
    return { frames: await writeFrames(ctx, frames(), sketches.fps, { total: sketches.count }) };
  },
});
