import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import type { RgbImage } from '../frames/index.js';
import { ffmpegPath, lastLine, startTool } from './ffmpeg.js';
import { MediaError } from './media-error.js';

export const VIDEO_FORMATS = ['mp4', 'webp', 'gif'] as const;
export type VideoFormat = (typeof VIDEO_FORMATS)[number];

export const VIDEO_MIME: Record<VideoFormat, string> = { mp4: 'video/mp4', webp: 'image/webp', gif: 'image/gif' };

export interface VideoWriteOptions {
  file: string;
  width: number;
  height: number;
  fps: number;
  format: VideoFormat;
  /** Stored as the container's comment (mp4 only); e.g. the workflow as ASCII JSON. */
  comment?: string;
  /** H.264 quality, 0 (lossless) to 51; 18 is visually lossless. */
  crf?: number;
  signal?: AbortSignal;
}

/** ffmetadata escapes '=', ';', '#', '\' and newlines with a backslash. */
function ffmetadata(comment: string): string {
  return `;FFMETADATA1\ncomment=${comment.replace(/[=;#\\\n]/g, (c) => `\\${c}`)}\n`;
}

function codecArgs(o: VideoWriteOptions): string[] {
  switch (o.format) {
    case 'mp4':
      // yuv420p (what browsers play) needs even sizes; +faststart puts the index first for streaming playback.
      return ['-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(o.crf ?? 18), '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4'];
    case 'webp':
      return ['-c:v', 'libwebp_anim', '-lossless', '0', '-q:v', '85', '-loop', '0', '-f', 'webp'];
    case 'gif':
      // A palette per frame (stats_mode=single, new=1) keeps encoding streaming: a global palette would buffer the clip.
      return ['-vf', 'split[a][b];[a]palettegen=stats_mode=single[p];[b][p]paletteuse=new=1', '-loop', '0', '-f', 'gif'];
  }
}

/**
 * Encodes RGB frames with ffmpeg, fed one at a time through stdin with backpressure: memory does not grow
 * with the clip. Every frame must have the size given in the options.
 */
export async function encodeVideo(frames: AsyncIterable<RgbImage>, o: VideoWriteOptions): Promise<{ frames: number }> {
  const metaFile = `${o.file}.ffmeta`;
  const metaArgs: string[] = [];
  if (o.comment !== undefined && o.format === 'mp4') {
    // Through a metadata file, not `-metadata comment=...`: a large workflow would pass the argv size limit.
    await writeFile(metaFile, ffmetadata(o.comment));
    metaArgs.push('-f', 'ffmetadata', '-i', metaFile, '-map', '0:v', '-map_metadata', '1');
  }
  const args = [
    '-v', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${o.width}x${o.height}`, '-r', String(o.fps), '-i', 'pipe:0',
    ...metaArgs,
    ...codecArgs(o),
    o.file,
  ];
  const tool = startTool(ffmpegPath(), args, o.signal);
  const stdin = tool.proc.stdin!;
  let count = 0;
  try {
    for await (const frame of frames) {
      if (frame.width !== o.width || frame.height !== o.height) {
        throw new MediaError(`frame ${count} is ${frame.width}x${frame.height} but the video is ${o.width}x${o.height}`, 'resize the frames to one size first');
      }
      if (stdin.destroyed || tool.proc.exitCode !== null) break;
      if (!stdin.write(frame.data)) await Promise.race([once(stdin, 'drain'), tool.exited]);
      count++;
    }
    stdin.end();
    const code = await tool.exited;
    if (o.signal?.aborted) return { frames: count };
    if (code !== 0) throw new MediaError(`ffmpeg could not write the ${o.format} (${lastLine(tool.stderr())})`, 'check the frame size and fps, or pick another format');
    if (count === 0) throw new MediaError('no frames to encode', 'connect a non-empty frame sequence');
    return { frames: count };
  } catch (e) {
    tool.proc.kill('SIGKILL');
    await tool.exited.catch(() => undefined);
    throw e;
  } finally {
    await rm(metaFile, { force: true });
  }
}
