import { defineNode } from '../../runtime/define-node.js';
import { defaultZipLimits, openFrameZip, readImageChecked, type RgbImage } from '@lvcd/media';
import { NodeError } from '../../runtime/node-type.js';
import { imageLimits } from '../limits.js';
import { toNodeError, writeFrames } from './frame-io.js';

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
    { name: 'frames', label: 'Frames (zip)', description: 'The frame sequence, as the asset id of a zip of PNG, JPEG or WebP frames (`lvcd run --set NODE.frames=PATH` adds a local zip or a folder of numbered images).', schema: { kind: 'asset', accept: ['zip'] } },
    { name: 'fps', label: 'Frames per second', description: 'Playback rate of the sequence in frames per second, which the nodes downstream keep (Save Video encodes at it).', schema: { kind: 'number', default: 12, min: 1, max: 120, step: 1 } },
  ],
  async execute(ctx) {
    const id = ctx.params.frames;
    const label = ctx.assets.info(id)?.name ?? 'the zip';
    try {
      // Read in place: the zip's directory once, then one frame at a time, so memory stays flat at any length.
      const zip = await openFrameZip(ctx.assets.pathOf(id), label, defaultZipLimits);
      const { names } = zip;
      let size: { width: number; height: number } | undefined;
      const frames = async function* (): AsyncGenerator<RgbImage> {
        for (const [index, name] of names.entries()) {
          const image = await readImageChecked(await zip.read(index), `${label}/${name}`, imageLimits);
          size ??= { width: image.width, height: image.height };
          if (image.width !== size.width || image.height !== size.height) {
            throw new NodeError(`"${name}" is ${image.width}x${image.height} but the first frame is ${size.width}x${size.height}; export every frame at one size`, 'frames');
          }
          yield image;
        }
      };
      try {
        return { frames: await writeFrames(ctx, frames(), ctx.params.fps, { total: names.length }) };
      } finally {
        await zip.close();
      }
    } catch (e) {
      throw toNodeError(e, 'frames');
    }
  },
});
