import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Sampled latents on disk, one raw float32 file per frame, so sampling and decoding stream in bounded memory. */
export interface LatentStoreInfo {
  dir: string;
  count: number;
  /** (4, h, w) of each latent. */
  shape: [number, number, number];
}

const MANIFEST = 'latents.json';
const file = (dir: string, index: number) => join(dir, `${String(index).padStart(6, '0')}.f32`);

export class LatentStoreError extends Error {
  override name = 'LatentStoreError';
}

export class LatentStoreWriter {
  private count = 0;

  private constructor(
    readonly dir: string,
    private readonly shape: [number, number, number],
  ) {}

  static async create(dir: string, shape: [number, number, number]): Promise<LatentStoreWriter> {
    await mkdir(dir, { recursive: true });
    return new LatentStoreWriter(dir, shape);
  }

  async append(latent: Float32Array): Promise<void> {
    if (latent.length !== this.shape[0] * this.shape[1] * this.shape[2]) throw new LatentStoreError(`latent of ${latent.length} values does not fit ${this.shape.join('x')}`);
    await writeFile(file(this.dir, this.count++), latent);
  }

  async finish(): Promise<LatentStoreInfo> {
    const info = { count: this.count, shape: this.shape };
    await writeFile(join(this.dir, MANIFEST), JSON.stringify(info));
    return { dir: this.dir, ...info };
  }
}

export async function openLatentStore(dir: string): Promise<LatentStoreInfo> {
  try {
    const m = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Omit<LatentStoreInfo, 'dir'>;
    if (!Number.isInteger(m.count) || m.count < 1 || !Array.isArray(m.shape) || m.shape.length !== 3) throw new Error('manifest is damaged');
    return { dir, ...m };
  } catch (e) {
    throw new LatentStoreError(`no readable latents in ${dir}: ${(e as Error).message}`);
  }
}

export async function readLatent(store: LatentStoreInfo, index: number): Promise<Float32Array> {
  if (!Number.isInteger(index) || index < 0 || index >= store.count) throw new LatentStoreError(`latent ${index} is outside the ${store.count} stored`);
  const bytes = await readFile(file(store.dir, index));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
