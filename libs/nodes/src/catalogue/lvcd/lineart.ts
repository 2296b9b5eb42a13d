import { defineNode } from '../../runtime/define-node.js';
import type { RgbImage } from '@lvcd/media';
import { imageToChw, lineMapToSketch } from '@lvcd/models';
import { NodeError } from '../../runtime/node-type.js';
import { streamFrames, writeFrames } from '../frames/frame-io.js';
import { withBundle } from './run-with-bundle.js';

export const lvcdLineart = defineNode({
  type: 'lvcd/lineart',
  title: 'LVCD Lineart',
  category: 'lineart',
  description: "Sketches with LVCD's own lineart model (informative-drawings, from sk_model.pth in the bundle): white paper, dark lines, as the model was trained on.",
  version: 1,
  inputs: [
    { name: 'models', type: 'LVCD_MODELS' },
    { name: 'frames', type: 'FRAMES' },
  ],
  outputs: [{ name: 'sketches', type: 'SKETCHES' }],
  params: [],
  async execute(ctx) {
    const models = ctx.inputs.models;
    const frames = ctx.inputs.frames;
    return withBundle(ctx, models, async (bundle) => {
      const lineart = bundle.lineart;
      if (!lineart) throw new NodeError('this bundle has no lineart model; convert it again with --lineart sk_model.pth, or use Extract Lineart', 'models');
      const sketches = async function* (): AsyncGenerator<RgbImage> {
        for await (const frame of streamFrames(ctx, frames)) {
          const line = await lineart(imageToChw(frame, '0..1'), frame.height, frame.width);
          yield lineMapToSketch(line, frame.width, frame.height);
        }
      };
      return { sketches: await writeFrames(ctx, sketches(), frames.fps, { total: frames.count, output: 'sketches' }) };
    });
  },
});
