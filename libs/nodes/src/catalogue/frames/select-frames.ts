import { defineNode } from '../../runtime/define-node.js';
import { FrameStoreWriter, framePath, openFrameStore } from '@lvcd/media';
import { copyFile, link, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeError, throwIfCancelled } from '../../runtime/node-type.js';
import { framesValue } from '../../runtime/values.js';

export const selectFrames = defineNode({
  type: 'frames/select',
  title: 'Select Frames',
  category: 'frames',
  description: 'A range of a frame sequence, every n-th frame: start (0-based, included), end (excluded; 0 = to the end), stride.',
  version: 1,
  inputs: [{ name: 'frames', type: 'FRAMES' }],
  outputs: [{ name: 'frames', type: 'FRAMES' }],
  params: [
    { name: 'start', label: 'Start', description: 'Index of the first frame kept, counted from 0.', schema: { kind: 'integer', default: 0, min: 0, max: 1_000_000, frames: 'index' } },
    { name: 'end', label: 'End (0 = last)', description: 'Index of the frame the range stops before (that frame is not kept), counted from 0; 0 keeps every frame to the end.', schema: { kind: 'integer', default: 0, min: 0, max: 1_000_000, frames: 'end' } },
    { name: 'stride', label: 'Every n-th', description: 'Keeps every n-th frame of the range (1 keeps all of them), dividing the frame rate by n.', schema: { kind: 'integer', default: 1, min: 1, max: 1000 } },
  ],
  async execute(ctx) {
    const input = ctx.inputs.frames;
    const start = ctx.params.start;
    const end = Math.min(input.count, ctx.params.end || input.count);
    const stride = ctx.params.stride;
    if (start >= end) throw new NodeError(`start ${start} leaves no frames (the sequence has ${input.count}, end is ${end}); set start below ${end}`, 'start');
    const dir = join(ctx.outDir, 'frames');
    await FrameStoreWriter.create(dir, input.fps);
    let count = 0;
    for (let i = start; i < end; i += stride, count++) {
      throwIfCancelled(ctx.signal);
      // Frames are immutable files: a hard link selects without copying, a copy is the fallback across devices.
      await link(framePath(input.dir, i), framePath(dir, count)).catch(() => copyFile(framePath(input.dir, i), framePath(dir, count)));
    }
    // The manifest FrameStoreWriter.finish would write; openFrameStore then checks it reads back as a store.
    await writeFile(join(dir, 'frames.json'), JSON.stringify({ count, width: input.width, height: input.height, fps: input.fps / stride }));
    return { frames: framesValue(await openFrameStore(dir)) };
  },
});
