import { defineNode } from '../../runtime/define-node.js';
import { encodeVideo, hasFfmpeg, VIDEO_FORMATS, VIDEO_MIME, workflowToAsciiJson, type VideoFormat } from '@lvcd/media';
import { join } from 'node:path';
import { NodeError } from '../../runtime/node-type.js';
import { streamFrames, toNodeError } from '../frames/frame-io.js';
import { safeFileBase } from './output-name.js';

export const saveVideo = defineNode({
  type: 'output/save-video',
  title: 'Save Video',
  category: 'output',
  description: 'Encodes frames with ffmpeg: H.264 mp4 (carries the workflow in its metadata comment), animated WebP or GIF.',
  version: 1,
  roles: ['frames-output'],
  isOutput: true,
  inputs: [{ name: 'frames', type: 'FRAMES' }],
  outputs: [],
  params: [
    { name: 'format', label: 'Format', description: 'The file written: mp4 (H.264, with the workflow in its metadata), animated WebP or GIF.', schema: { kind: 'enum', default: 'mp4', options: VIDEO_FORMATS } },
    { name: 'fps', label: 'Frames per second (0 = the sequence\'s)', description: 'Playback rate of the video in frames per second; 0 keeps the frame rate of the incoming sequence.', schema: { kind: 'number', default: 0, min: 0, max: 120, step: 1 } },
    { name: 'quality', label: 'mp4 quality (CRF, lower is better)', description: 'H.264 constant rate factor of an mp4, from 0 (lossless, largest) to 51 (smallest); 18 looks lossless, and WebP and GIF ignore it.', schema: { kind: 'integer', default: 18, min: 0, max: 51 } },
    { name: 'name', label: 'File name', description: 'Base name of the video file, without the extension; characters other than letters, digits, dots and dashes become _.', schema: { kind: 'string', default: 'video', maxLength: 80 } },
  ],
  async execute(ctx) {
    const input = ctx.inputs.frames;
    if (!hasFfmpeg()) throw new NodeError('ffmpeg is not installed on the server; install it (apt-get install -y ffmpeg) or use Save Frames', 'format');
    const format = ctx.params.format;
    const fps = ctx.params.fps || input.fps;
    const name = `${safeFileBase(ctx.params.name, 'video')}.${format}`;
    const file = join(ctx.outDir, name);
    let written = 0;
    const frames = async function* () {
      for await (const image of streamFrames(ctx, input)) {
        yield image;
        ctx.progress(++written, input.count);
      }
    };
    try {
      await encodeVideo(frames(), { file, width: input.width, height: input.height, fps, format, crf: ctx.params.quality, comment: workflowToAsciiJson(ctx.workflow), signal: ctx.signal });
    } catch (e) {
      throw toNodeError(e, 'format');
    }
    ctx.artifact({ file, name, mime: VIDEO_MIME[format], kind: format === 'mp4' ? 'video' : 'image', meta: { frames: input.count, fps, width: input.width, height: input.height } });
    return {};
  },
});
