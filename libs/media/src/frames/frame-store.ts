import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeRgb, encodePng, type RgbImage } from './rgb-image.js';

/**
 * A frame sequence on disk: one PNG per frame plus a small manifest. Nodes pass handles to frame stores,
 * never whole clips in memory, so a 1,000-frame clip costs one frame of RAM at a time.
 */
export interface FrameStoreInfo {
  dir: string;
  count: number;
  width: number;
  height: number;
  fps: number;
}

const MANIFEST = 'frames.json';

export function framePath(dir: string, index: number): string {
  return join(dir, `${String(index).padStart(6, '0')}.png`);
}

export class FrameStoreError extends Error {
  override name = 'FrameStoreError';
}

/** Appends frames one at a time; `finish` writes the manifest that makes the store readable. */
export class FrameStoreWriter {
  private count = 0;
  private size: { width: number; height: number } | undefined;

  private constructor(
    readonly dir: string,
    private readonly fps: number,
  ) {}

  static async create(dir: string, fps: number): Promise<FrameStoreWriter> {
    await mkdir(dir, { recursive: true });
    return new FrameStoreWriter(dir, fps);
  }

  get length(): number {
    return this.count;
  }

  /** Writes the next frame; every frame of a store has the size of the first. Returns the PNG bytes written. */
  async append(image: RgbImage): Promise<Buffer> {
    if (!this.size) this.size = { width: image.width, height: image.height };
    if (image.width !== this.size.width || image.height !== this.size.height) {
      throw new FrameStoreError(
        `frame ${this.count} is ${image.width}x${image.height} but the sequence is ${this.size.width}x${this.size.height}; resize the frames to one size first`,
      );
    }
    const png = await encodePng(image);
    await writeFile(framePath(this.dir, this.count), png);
    this.count++;
    return png;
  }

  async finish(): Promise<FrameStoreInfo> {
    if (!this.size) throw new FrameStoreError('a frame sequence needs at least one frame');
    const info: FrameStoreInfo = { dir: this.dir, count: this.count, ...this.size, fps: this.fps };
    const { dir: _dir, ...manifest } = info;
    await writeFile(join(this.dir, MANIFEST), JSON.stringify(manifest));
    return info;
  }
}

export async function openFrameStore(dir: string): Promise<FrameStoreInfo> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8'));
  } catch (e) {
    throw new FrameStoreError(`no readable frame sequence in ${dir}: ${(e as Error).message}`);
  }
  const m = manifest as Partial<FrameStoreInfo>;
  if (![m.count, m.width, m.height, m.fps].every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new FrameStoreError(`frame sequence manifest in ${dir} is damaged`);
  }
  return { dir, count: m.count!, width: m.width!, height: m.height!, fps: m.fps! };
}

export async function readFrame(store: FrameStoreInfo, index: number): Promise<RgbImage> {
  if (!Number.isInteger(index) || index < 0 || index >= store.count) {
    throw new FrameStoreError(`frame ${index} is outside the sequence of ${store.count} frames`);
  }
  return decodeRgb(framePath(store.dir, index));
}

/** Reads frames in order, one in memory at a time. */
export async function* readFrames(store: FrameStoreInfo, start = 0, end = store.count, stride = 1): AsyncGenerator<{ index: number; image: RgbImage }> {
  for (let i = start; i < end; i += stride) yield { index: i, image: await readFrame(store, i) };
}
