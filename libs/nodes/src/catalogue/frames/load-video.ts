import { defineNode } from '../../runtime/define-node.js';
import { decodeVideoFrames, defaultVideoReadLimits, hasFfmpeg, probeVideo } from '@lvcd/media';
import { NodeError } from '../../runtime/node-type.js';
import { toNodeError, writeFrames } from './frame-io.js';

export const loadVideo = defineNode({
  type: 'frames/load-video',
  title: 'Load Video',
  category: 'frames',
  description: 'An uploaded video (mp4, webm, mov) decoded to frames with ffmpeg, streamed one frame at a time.',
  version: 1,
  roles: ['clip-source'],
  inputs: [],
  outputs: [{ name: 'frames', type: 'FRAMES' }],
  params: [
    { name: 'video', label: 'Video', description: 'The mp4, webm or mov file to decode, as an asset id (`lvcd run --set NODE.video=FILE` adds a local file).', schema: { kind: 'asset', accept: ['video'] } },
    { name: 'maxFrames', label: 'Most frames', description: 'Frames after this many are not read.', schema: { kind: 'integer', default: 1000, min: 1, max: defaultVideoReadLimits.maxFrames } },
  ],
  async execute(ctx) {
    const id = ctx.params.video;
    const label = ctx.assets.info(id)?.name ?? 'the video';
    if (!hasFfmpeg()) throw new NodeError('ffmpeg is not installed on the server; install it (apt-get install -y ffmpeg) or load the frames as a zip', 'video');
    try {
      const path = ctx.assets.pathOf(id);
      const info = await probeVideo(path, label, ctx.signal);
      const maxFrames = ctx.params.maxFrames;
      const frames = decodeVideoFrames(path, label, info, { ...defaultVideoReadLimits, maxFrames }, ctx.signal);
      const total = info.frames ? Math.min(info.frames, maxFrames) : undefined;
      return { frames: await writeFrames(ctx, frames, info.fps, total ? { total } : {}) };
    } catch (e) {
      throw toNodeError(e, 'video');
    }
  },
});
