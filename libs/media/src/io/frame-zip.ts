import { unzipSync, type UnzipFileInfo } from 'fflate';
import { MediaError } from './media-error.js';
import { naturalSort } from './natural-sort.js';

export interface ZipLimits {
  /** Most entries a zip may list (any kind); a frame sequence of 20,000 frames is ~14 minutes at 24 fps. */
  maxEntries: number;
  /** Most bytes one entry may inflate to. */
  maxEntryBytes: number;
  /** Most bytes all image entries together may inflate to. */
  maxTotalBytes: number;
  /** Highest inflated/compressed ratio accepted for an entry over 1 MiB: images barely compress, bombs do. */
  maxRatio: number;
}

export const defaultZipLimits: ZipLimits = {
  maxEntries: 20_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
  maxRatio: 200,
};

const IMAGE_NAME = /\.(png|jpe?g|webp)$/i;

function isFrameEntry(name: string): boolean {
  const base = name.split('/').pop() ?? '';
  // Skips folders, macOS resource forks and hidden files that zip tools add next to the frames.
  return IMAGE_NAME.test(base) && !base.startsWith('.') && !name.startsWith('__MACOSX/');
}

/**
 * The image entries of a zip in natural order (frame_2 before frame_10), after checking the central
 * directory against the limits. Nothing is inflated here.
 */
export function listZipImages(zip: Uint8Array, label: string, limits: ZipLimits = defaultZipLimits): string[] {
  const infos: UnzipFileInfo[] = [];
  try {
    unzipSync(zip, {
      filter: (info) => {
        infos.push(info);
        if (infos.length > limits.maxEntries) throw new MediaError(`"${label}" lists over ${limits.maxEntries} entries`, `split the sequence into zips of at most ${limits.maxEntries} frames`);
        return false;
      },
    });
  } catch (e) {
    if (e instanceof MediaError) throw e;
    throw new MediaError(`"${label}" is not a readable zip (${(e as Error).message})`, 'zip the frames again (a plain .zip of PNG files)');
  }
  let total = 0;
  const names: string[] = [];
  for (const info of infos) {
    if (!isFrameEntry(info.name)) continue;
    checkEntry(info, label, limits);
    total += info.originalSize;
    if (total > limits.maxTotalBytes) {
      throw new MediaError(`"${label}" inflates to over ${limits.maxTotalBytes} bytes`, 'upload a shorter sequence or smaller frames');
    }
    names.push(info.name);
  }
  if (names.length === 0) throw new MediaError(`"${label}" holds no PNG, JPEG or WebP frames`, 'zip the frame images themselves (e.g. 0001.png, 0002.png, ...)');
  return naturalSort(names);
}

function checkEntry(info: UnzipFileInfo, label: string, limits: ZipLimits): void {
  if (info.compression !== 0 && info.compression !== 8) {
    throw new MediaError(`"${info.name}" in "${label}" uses an unsupported compression method (${info.compression})`, 'zip with the standard "deflate" or "store" method');
  }
  if (info.originalSize > limits.maxEntryBytes) {
    throw new MediaError(`"${info.name}" in "${label}" inflates to ${info.originalSize} bytes, over the limit of ${limits.maxEntryBytes}`, 'use smaller frames');
  }
  if (info.originalSize > 1024 * 1024 && info.originalSize > info.size * limits.maxRatio) {
    throw new MediaError(`"${info.name}" in "${label}" inflates ${Math.round(info.originalSize / Math.max(1, info.size))} times (a zip bomb?)`, 'zip real image files; PNG and JPEG frames barely compress');
  }
}

/**
 * Inflates one entry. fflate inflates into a buffer of the size the directory declares, so a lying
 * entry cannot grow past the size `listZipImages` already checked.
 */
export function readZipEntry(zip: Uint8Array, name: string, label: string): Uint8Array {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, { filter: (info) => info.name === name });
  } catch (e) {
    throw new MediaError(`"${name}" in "${label}" is damaged (${(e as Error).message})`, 'zip the frames again');
  }
  const bytes = files[name];
  if (!bytes) throw new MediaError(`"${name}" is missing from "${label}"`, 'zip the frames again');
  return bytes;
}
