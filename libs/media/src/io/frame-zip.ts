import { MediaError } from './media-error.js';
import { naturalSort } from './natural-sort.js';
import { ZipArchive, ZipFormatError, type ZipEntry } from './zip-archive.js';

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

/**
 * A zip of frames read in place: its image entries in natural order (frame_2 before frame_10), checked against
 * the limits from the central directory alone, and frame i inflated on request. Nothing else is held in memory,
 * so a 20,000-frame zip opens as fast as its directory reads.
 */
export interface FrameZip {
  readonly label: string;
  /** Image entry names in natural order. */
  readonly names: readonly string[];
  /** Frame `index` as the bytes of its image file. */
  read(index: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

const IMAGE_NAME = /\.(png|jpe?g|webp)$/i;
const REZIP = 'zip the frames again (a plain .zip of PNG, JPEG or WebP files)';

/** Whether a zip entry is a frame: skips folders, macOS resource forks and hidden files that zip tools add. */
export function isFrameEntry(name: string): boolean {
  const base = name.split('/').pop() ?? '';
  return IMAGE_NAME.test(base) && !base.startsWith('.') && !name.startsWith('__MACOSX/');
}

/** Whether `error` says a file has no zip directory at all (not a zip, or cut before its end). */
export function isMissingZipDirectory(error: unknown): boolean {
  return error instanceof MediaError && error.cause instanceof ZipFormatError && error.cause.kind === 'no-directory';
}

export async function openFrameZip(path: string, label: string, limits: ZipLimits = defaultZipLimits): Promise<FrameZip> {
  const archive = await ZipArchive.open(path, {
    maxEntries: limits.maxEntries,
    error: (e) =>
      e.kind === 'too-many-entries'
        ? new MediaError(`"${label}" lists over ${limits.maxEntries} entries`, `split the sequence into zips of at most ${limits.maxEntries} frames`)
        : new MediaError(`"${label}" is not a readable zip (${e.reason})`, REZIP, { cause: e }),
  });
  try {
    const frames = checkedFrames(archive, label, limits);
    return {
      label,
      names: frames.map((e) => e.name),
      async read(index) {
        const entry = frames[index];
        if (!entry) throw new RangeError(`frame ${index} is outside the ${frames.length} frames of "${label}"`);
        return archive.readEntry(entry);
      },
      close: () => archive.close(),
    };
  } catch (e) {
    await archive.close();
    throw e;
  }
}

function checkedFrames(archive: ZipArchive, label: string, limits: ZipLimits): ZipEntry[] {
  let total = 0;
  const names: string[] = [];
  for (const entry of archive.entries.values()) {
    if (!isFrameEntry(entry.name)) continue;
    checkEntry(entry, label, limits);
    total += entry.size;
    if (total > limits.maxTotalBytes) {
      throw new MediaError(`"${label}" inflates to over ${limits.maxTotalBytes} bytes`, 'upload a shorter sequence or smaller frames');
    }
    names.push(entry.name);
  }
  if (names.length === 0) throw new MediaError(`"${label}" holds no PNG, JPEG or WebP frames`, 'zip the frame images themselves (e.g. 0001.png, 0002.png, ...)');
  return naturalSort(names).map((name) => archive.entry(name));
}

function checkEntry(entry: ZipEntry, label: string, limits: ZipLimits): void {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new MediaError(`"${entry.name}" in "${label}" uses an unsupported compression method (${entry.method})`, 'zip with the standard "deflate" or "store" method');
  }
  if (entry.size > limits.maxEntryBytes) {
    throw new MediaError(`"${entry.name}" in "${label}" inflates to ${entry.size} bytes, over the limit of ${limits.maxEntryBytes}`, 'use smaller frames');
  }
  if (entry.size > 1024 * 1024 && entry.size > entry.compressedSize * limits.maxRatio) {
    throw new MediaError(`"${entry.name}" in "${label}" inflates ${Math.round(entry.size / Math.max(1, entry.compressedSize))} times (a zip bomb?)`, 'zip real image files; PNG and JPEG frames barely compress');
  }
}
