import { defineNode } from '../../runtime/define-node.js';
import { decodeRgb, fitImage, type RgbImage } from '@lvcd/media';
import { throwIfCancelled } from '../../runtime/node-type.js';
import { writeFrames } from '../frames/frame-io.js';

export const copyReference = defineNode({
  type: 'colorize/copy-reference',
  title: 'Copy Reference',
  category: 'colorize',
  description: 'Baseline: every frame is the reference, at the sketches\' size and count. Any colorizer should beat it.',
  version: 1,
  inputs: [
    { name: 'reference', type: 'IMAGE' },
    { name: 'sketches', type: 'SKETCHES' },
  ],
  outputs: [{ name: 'frames', type: 'FRAMES' }],
  params: [],
  async execute(ctx) {
    const reference = ctx.inputs.reference;
    const sketches = ctx.inputs.sketches;
    const image = await fitImage(await decodeRgb(reference.file), sketches.width, sketches.height, 'crop');
    const frames = async function* (): AsyncGenerator<RgbImage> {
      for (let i = 0; i < sketches.count; i++) {
        throwIfCancelled(ctx.signal);
        yield image;
      }
    };
    return { frames: await writeFrames(ctx, frames(), sketches.fps, { total: sketches.count }) };
  },
});
