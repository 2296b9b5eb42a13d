import { defineNode } from '../../runtime/define-node.js';
import { decodeRgb, encodePng } from '@lvcd/media';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeError } from '../../runtime/node-type.js';
import { imageLimits } from '../limits.js';

export const loadImage = defineNode({
  type: 'image/load',
  title: 'Load Image',
  category: 'image',
  description: 'An uploaded picture (PNG, JPEG, WebP), e.g. the coloured reference frame.',
  version: 1,
  inputs: [],
  outputs: [{ name: 'image', type: 'IMAGE' }],
  params: [{ name: 'image', label: 'Image', description: 'The PNG, JPEG or WebP picture to load, as an asset id (upload or pick it in the studio; `lvcd run --set NODE.image=FILE` adds a local file).', schema: { kind: 'asset', accept: ['image'] } }],
  async execute(ctx) {
    const id = ctx.params.image;
    let image;
    try {
      image = await decodeRgb(ctx.assets.pathOf(id), imageLimits.maxPixels);
    } catch (e) {
      throw new NodeError(`cannot read the image "${ctx.assets.info(id)?.name ?? id}": ${(e as Error).message}; upload a valid PNG, JPEG or WebP of at most ${imageLimits.maxPixels} pixels`, 'image');
    }
    const file = join(ctx.outDir, 'image.png');
    await writeFile(file, await encodePng(image));
    return { image: { kind: 'image' as const, file, width: image.width, height: image.height } };
  },
});
