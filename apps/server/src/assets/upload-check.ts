import { PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { defaultZipLimits, hasFfmpeg, listZipImages, MediaError, probeVideo, readZipEntry } from '@lvcd/media';
import { safeDisplayName, sniffAsset } from '@lvcd/nodes/runtime';
import { open, readFile } from 'node:fs/promises';
import { imageSize } from './image-size.js';

export interface UploadLimits {
  maxImageSide: number;
  maxFramesPerClip: number;
}

/** Enough of a file to reach a JPEG's start-of-frame past a large EXIF block. */
const HEAD_BYTES = 512 * 1024;
const PROBE_TIMEOUT_MS = 20_000;

/**
 * Checks an upload against the media limits before it is stored: image dimensions from the header, a zip's
 * directory (frame count, inflated sizes, compression ratio: zip bombs) and its first frame's size (every
 * frame must match it), a video's size and frame count. The nodes check again when they decode.
 */
export async function checkUpload(path: string, originalName: string, limits: UploadLimits): Promise<void> {
  const label = safeDisplayName(originalName);
  const head = await readHead(path);
  const type = sniffAsset(head);
  if (!type) return; // the asset store refuses unknown types with its own message
  if (type.kind === 'image') return checkImage(head, label, limits);
  if (type.kind === 'zip') return checkZip(path, label, limits);
  if (type.kind === 'video') return checkVideo(path, label, limits);
}

function checkImage(head: Buffer, label: string, limits: UploadLimits): void {
  const size = imageSize(head);
  if (!size) throw new UnsupportedMediaTypeException(`"${label}" has no readable image header (truncated or damaged?); export it again as PNG, JPEG or WebP`);
  checkSide(size, label, limits);
}

async function checkZip(path: string, label: string, limits: UploadLimits): Promise<void> {
  const zip = new Uint8Array(await readFile(path));
  // No zip directory at all: nothing can inflate, so nothing to bomb; stored, and Load Frames says what is wrong.
  if (!hasEndOfCentralDirectory(zip)) return;
  let names: string[];
  let first: Uint8Array;
  try {
    names = listZipImages(zip, label, defaultZipLimits);
    if (names.length > limits.maxFramesPerClip) {
      throw new PayloadTooLargeException(`"${label}" holds ${names.length} frames, over the limit of ${limits.maxFramesPerClip} per clip (LVCD_MAX_FRAMES); split the sequence`);
    }
    first = readZipEntry(zip, names[0]!, label);
  } catch (e) {
    if (e instanceof MediaError) throw new UnsupportedMediaTypeException(`${e.message}; ${e.fix}`);
    throw e;
  }
  const size = imageSize(Buffer.from(first.buffer, first.byteOffset, first.byteLength));
  if (!size) throw new UnsupportedMediaTypeException(`"${names[0]}" in "${label}" is not a readable PNG, JPEG or WebP frame; zip the frames again`);
  checkSide(size, `${label}/${names[0]}`, limits);
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

/** The end-of-central-directory record sits in the last 22 bytes plus an optional comment of up to 64 KiB. */
function hasEndOfCentralDirectory(zip: Uint8Array): boolean {
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip[at] === 0x50 && zip[at + 1] === 0x4b && zip[at + 2] === 0x05 && zip[at + 3] === 0x06) return true;
  }
  return false;
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
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
