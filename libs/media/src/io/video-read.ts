import type { RgbImage } from '../frames/index.js';
import { ffmpegPath, ffprobePath, lastLine, runTool, startTool } from './ffmpeg.js';
import { MediaError } from './media-error.js';

export interface VideoInfo {
  width: number;
  height: number;
  fps: number;
  codec: string;
  /** Frame count when the container states it; a stream may still end earlier. */
  frames?: number;
  durationS?: number;
}

export interface VideoReadLimits {
  maxPixels: number;
  maxFrames: number;
}

export const defaultVideoReadLimits: VideoReadLimits = { maxPixels: 4096 * 2160, maxFrames: 20_000 };

function parseRate(rate: unknown): number {
  if (typeof rate !== 'string') return 0;
  const [n, d] = rate.split('/').map(Number);
  return n && d ? n / d : Number(rate) || 0;
}

/** Reads the first video stream's size and rate with ffprobe; refuses files that are not video. */
export async function probeVideo(file: string, label: string, signal?: AbortSignal): Promise<VideoInfo> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,codec_name,r_frame_rate,avg_frame_rate,nb_frames:format=duration,format_name', '-of', 'json', file];
  const { code, stdout, stderr } = await runTool(ffprobePath(), args, signal);
  if (code !== 0) throw new MediaError(`"${label}" is not a readable video (${lastLine(stderr)})`, 'upload an mp4, webm or mov file that plays in a video player');
  let parsed: { streams?: Record<string, unknown>[]; format?: Record<string, unknown> };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new MediaError(`"${label}" could not be probed`, 'upload an mp4, webm or mov file');
  }
  const stream = parsed.streams?.[0];
  if (!stream || typeof stream.width !== 'number' || typeof stream.height !== 'number') {
    throw new MediaError(`"${label}" has no video stream`, 'upload a file with a video track');
  }
  const container = String(parsed.format?.format_name ?? '');
  // ffprobe reads still images as one-frame "videos" (png_pipe, image2): a wrong type here, not a clip.
  if (/(_pipe|^image2)$/.test(container)) {
    throw new MediaError(`"${label}" is a still image (${container.replace(/_pipe$/, '')}), not a video`, 'upload an mp4, webm or mov file, or use Load Image / Load Frames for pictures');
  }
  const fps = parseRate(stream.avg_frame_rate) || parseRate(stream.r_frame_rate) || 24;
  const frames = Number(stream.nb_frames);
  const durationS = Number(parsed.format?.duration);
  return {
    width: stream.width,
    height: stream.height,
    fps: Math.round(fps * 1000) / 1000,
    codec: String(stream.codec_name ?? 'unknown'),
    ...(Number.isFinite(frames) && frames > 0 ? { frames } : {}),
    ...(Number.isFinite(durationS) && durationS > 0 ? { durationS } : {}),
  };
}

/**
 * Decodes a video to RGB frames, one at a time: ffmpeg writes raw rgb24 to a pipe and the pipe's
 * backpressure holds it while the consumer works, so memory stays at a frame or two whatever the length.
 * Stopping early (break, error, abort) kills ffmpeg.
 */
export async function* decodeVideoFrames(file: string, label: string, info: VideoInfo, limits: VideoReadLimits = defaultVideoReadLimits, signal?: AbortSignal): AsyncGenerator<RgbImage> {
  const { width, height } = info;
  if (width * height > limits.maxPixels) {
    throw new MediaError(`"${label}" is ${width}x${height}, over the limit of ${limits.maxPixels} pixels`, 'scale the video down (e.g. to 576x320) before uploading');
  }
  // -noautorotate keeps frames at the size ffprobe reported; -fps_mode passthrough stops ffmpeg from
  // duplicating frames to fill gaps, which would hide a truncated file.
  const args = ['-v', 'error', '-nostdin', '-noautorotate', '-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough', '-frames:v', String(limits.maxFrames), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const tool = startTool(ffmpegPath(), args, signal);
  const frameBytes = width * height * 3;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let count = 0;
  let finished = false;
  try {
    for await (const chunk of tool.proc.stdout! as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - at);
        frame.set(chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === frameBytes) {
          count++;
          yield { width, height, data: frame };
          frame = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    const code = await tool.exited;
    finished = true;
    if (signal?.aborted) return;
    if (code !== 0) throw new MediaError(`"${label}" could not be decoded after ${count} frames (${lastLine(tool.stderr())})`, 'the file may be truncated or damaged; export it again');
    if (count === 0) throw new MediaError(`"${label}" holds no decodable frames (${lastLine(tool.stderr())})`, 'the file may be truncated; export it again');
    // ffmpeg exits 0 on a cut-off file after decoding what it could; the container's frame count gives it away.
    const damaged = /partial file|invalid data|corrupt|truncat/i.test(tool.stderr());
    if (damaged || (info.frames && count < Math.min(info.frames, limits.maxFrames))) {
      throw new MediaError(`"${label}" is damaged or cut off: decoding stopped after ${count} of ${info.frames ?? 'its'} frames (${lastLine(tool.stderr())})`, 'upload the complete file; export it again if needed');
    }
  } finally {
    if (!finished) {
      tool.proc.kill('SIGKILL');
      await tool.exited.catch(() => undefined);
    }
  }
}
