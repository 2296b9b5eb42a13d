import { defineNode } from '../../runtime/define-node.js';
import { decodeRgb, encodePng } from '@lvcd/media';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageValue } from '../../runtime/values.js';

export const invertImage = defineNode({
  type: 'image/invert',
  title: 'Invert Image',
  category: 'image',
  description: 'Negative of an image: turns dark lines on white paper into white lines on black, and back.',
  version: 1,
  inputs: [{ name: 'image', type: 'IMAGE' }],
  outputs: [{ name: 'image', type: 'IMAGE' }],
  params: [],
  async execute(ctx) {
    const input = ctx.inputs.image;
    const image = await decodeRgb(input.file);
    for (let i = 0; i < image.data.length; i++) image.data[i] = 255 - image.data[i]!;
    const file = join(ctx.outDir, 'image.png');
    await writeFile(file, await encodePng(image));
    return { image: { kind: 'image' as const, file, width: image.width, height: image.height } };
  },
});
