import type { RgbImage } from '@lvcd/media';
import { NodeError, type ExecuteContext } from '../../runtime/node-type.js';
import type { FramesValue } from '../../runtime/values.js';
import { streamFrames } from '../frames/frame-io.js';

/** Coloured frames with their sketches, one pair in memory at a time; the sizes must agree. */
export async function* pairedFrames(ctx: ExecuteContext, frames: FramesValue, sketches: FramesValue): AsyncGenerator<{ frame: RgbImage; sketch: RgbImage }> {
  if (frames.width !== sketches.width || frames.height !== sketches.height) {
    throw new NodeError(`frames are ${frames.width}x${frames.height} but the sketches are ${sketches.width}x${sketches.height}; resize one to the other`, 'sketches');
  }
  const count = Math.min(frames.count, sketches.count);
  const sketchStream = streamFrames(ctx, sketches, 0, count);
  for await (const frame of streamFrames(ctx, frames, 0, count)) {
    const next = await sketchStream.next();
    if (next.done) return;
    yield { frame, sketch: next.value };
  }
}
