import { defineNode } from '../../runtime/define-node.js';
import { defaultZipLimits, listZipImages, readImageChecked, readZipEntry, type RgbImage } from '@lvcd/media';
import { readFile, stat } from 'node:fs/promises';
import { NodeError } from '../../runtime/node-type.js';
import { imageLimits } from '../limits.js';
import { toNodeError, writeFrames } from './frame-io.js';

/** A zip is read into memory whole (its entries are inflated one at a time), so its own size is capped. */
const MAX_ZIP_BYTES = 2 * 1024 * 1024 * 1024;

export const loadFrames = defineNode({
  type: 'frames/load',
  title: 'Load Frames',
  category: 'frames',
  description: 'An uploaded image sequence: a zip of PNG, JPEG or WebP frames, ordered by natural sort of their names (frame_2 before frame_10).',
  version: 1,
  roles: ['clip-source'],
  inputs: [],
  outputs: [{ name: 'frames', type: 'FRAMES' }],
  params: [
    { name: 'frames', label: 'Frames (zip)', schema: { kind: 'asset', accept: ['zip'] } },
    { name: 'fps', label: 'Frames per second', schema: { kind: 'number', default: 12, min: 1, max: 120, step: 1 } },
  ],
  async execute(ctx) {
    const id = ctx.params.frames;
    const label = ctx.assets.info(id)?.name ?? 'the zip';
    try {
      const path = ctx.assets.pathOf(id);
      if ((await stat(path)).size > MAX_ZIP_BYTES) throw new NodeError(`"${label}" is over ${MAX_ZIP_BYTES} bytes; split the sequence into smaller zips`, 'frames');
      const zip = new Uint8Array(await readFile(path));
      const names = listZipImages(zip, label, defaultZipLimits);
      let size: { width: number; height: number } | undefined;
      const frames = async function* (): AsyncGenerator<RgbImage> {
        for (const name of names) {
          const image = await readImageChecked(readZipEntry(zip, name, label), `${label}/${name}`, imageLimits);
          size ??= { width: image.width, height: image.height };
          if (image.width !== size.width || image.height !== size.height) {
            throw new NodeError(`"${name}" is ${image.width}x${image.height} but the first frame is ${size.width}x${size.height}; export every frame at one size`, 'frames');
          }
          yield image;
        }
      };
      return { frames: await writeFrames(ctx, frames(), ctx.params.fps, { total: names.length }) };
    } catch (e) {
      throw toNodeError(e, 'frames');
    }
  },
});
