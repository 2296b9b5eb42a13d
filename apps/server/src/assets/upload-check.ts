import { PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { defaultZipLimits, hasFfmpeg, isMissingZipDirectory, MediaError, openFrameZip, probeVideo, readImageSize, type FrameZip } from '@lvcd/media';
import { safeDisplayName, SNIFF_BYTES, sniffAsset } from '@lvcd/nodes/runtime';
import { open } from 'node:fs/promises';

export interface UploadLimits {
  maxImageSide: number;
  maxFramesPerClip: number;
}

const PROBE_TIMEOUT_MS = 20_000;

/**
 * Checks an upload against the media limits before it is stored: image dimensions from the header, a zip's
 * directory (frame count, inflated sizes, compression ratio: zip bombs) and its first frame's size (every
 * frame must match it), a video's size and frame count. The nodes check again when they decode.
 */
export async function checkUpload(path: string, originalName: string, limits: UploadLimits): Promise<void> {
  const label = safeDisplayName(originalName);
  const type = await sniffAsset(await readHead(path));
  if (!type) return; // the asset store refuses unknown types with its own message
  if (type.kind === 'image') return checkImage(path, label, limits);
  if (type.kind === 'zip') return checkZip(path, label, limits);
  if (type.kind === 'video') return checkVideo(path, label, limits);
}

async function checkImage(path: string, label: string, limits: UploadLimits): Promise<void> {
  const size = await readImageSize(path);
  if (!size) throw new UnsupportedMediaTypeException(`"${label}" has no readable image header (truncated or damaged?); export it again as PNG, JPEG or WebP`);
  checkSide(size, label, limits);
}

async function checkZip(path: string, label: string, limits: UploadLimits): Promise<void> {
  let zip: FrameZip;
  try {
    zip = await openFrameZip(path, label, defaultZipLimits);
  } catch (e) {
    // No zip directory at all: nothing can inflate, so nothing to bomb; stored, and Load Frames says what is wrong.
    if (isMissingZipDirectory(e)) return;
    throw asUploadError(e);
  }
  try {
    const { names } = zip;
    if (names.length > limits.maxFramesPerClip) {
      throw new PayloadTooLargeException(`"${label}" holds ${names.length} frames, over the limit of ${limits.maxFramesPerClip} per clip (LVCD_MAX_FRAMES); split the sequence`);
    }
    const first = await zip.read(0).catch((e: unknown) => Promise.reject(asUploadError(e)));
    const size = await readImageSize(first);
    if (!size) throw new UnsupportedMediaTypeException(`"${names[0]}" in "${label}" is not a readable PNG, JPEG or WebP frame; zip the frames again`);
    checkSide(size, `${label}/${names[0]}`, limits);
  } finally {
    await zip.close();
  }
}

function asUploadError(e: unknown): unknown {
  return e instanceof MediaError ? new UnsupportedMediaTypeException(`${e.message}; ${e.fix}`) : e;
}

async function checkVideo(path: string, label: string, limits: UploadLimits): Promise<void> {
  // Without ffmpeg nothing can decode the video either; Load Video says how to install it when it runs.
  if (!hasFfmpeg()) return;
  let info;
  try {
    info = await probeVideo(path, label, AbortSignal.timeout(PROBE_TIMEOUT_MS));
  } catch (e) {
    if (e instanceof MediaError) throw new UnsupportedMediaTypeException(`${e.message}; ${e.fix}`);
    throw new UnsupportedMediaTypeException(`"${label}" could not be probed as a video in time; upload an mp4, webm or mov file`);
  }
  checkSide(info, label, limits);
  if (info.frames !== undefined && info.frames > limits.maxFramesPerClip) {
    throw new PayloadTooLargeException(`"${label}" has ${info.frames} frames, over the limit of ${limits.maxFramesPerClip} per clip (LVCD_MAX_FRAMES); trim the clip`);
  }
}

function checkSide(size: { width: number; height: number }, label: string, limits: UploadLimits): void {
  const { width, height } = size;
  if (width < 1 || height < 1) throw new UnsupportedMediaTypeException(`"${label}" declares a size of ${width}x${height}; export it again`);
  if (width > limits.maxImageSide || height > limits.maxImageSide) {
    throw new PayloadTooLargeException(
      `"${label}" is ${width}x${height}, over the limit of ${limits.maxImageSide} pixels a side (LVCD_MAX_IMAGE_SIDE); scale it down (e.g. to 576x320, the model's grid)`,
    );
  }
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
