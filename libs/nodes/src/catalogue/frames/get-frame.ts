import { defineNode } from '../../runtime/define-node.js';
import { readFrame } from '@lvcd/media';
import { readFile } from 'node:fs/promises';
import { NodeError } from '../../runtime/node-type.js';
import { writeImageValue } from './frame-io.js';

export const getFrame = defineNode({
  type: 'frames/get-frame',
  title: 'Get Frame',
  category: 'frames',
  description: 'One frame of a sequence as an image, e.g. frame 0 as the colour reference.',
  version: 1,
  inputs: [{ name: 'frames', type: 'FRAMES' }],
  outputs: [{ name: 'image', type: 'IMAGE' }],
  params: [{ name: 'index', label: 'Frame', description: 'Index of the frame to take, counted from 0 (the first frame is 0); an index past the end fails the node.', schema: { kind: 'integer', default: 0, min: 0, max: 1_000_000, frames: 'index' } }],
  async execute(ctx) {
    const input = ctx.inputs.frames;
    const index = ctx.params.index;
    if (index >= input.count) throw new NodeError(`frame ${index} is past the end of the sequence (${input.count} frames); pick 0 to ${input.count - 1}`, 'index');
    const image = await readFrame(input, index);
    const value = await writeImageValue(ctx, image);
    ctx.frame({ output: 'image', index: 0, count: 1, width: image.width, height: image.height, mime: 'image/png', data: await readFile(value.file) });
    return { image: value };
  },
});
