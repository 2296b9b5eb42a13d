import { open, readFile } from 'node:fs/promises';
import { CheckpointFormatError } from './errors.js';
import type { DType } from './dtype.js';
import { SafetensorsFile } from './safetensors.js';
import { TorchCheckpoint } from './torch-checkpoint.js';

export interface WeightInfo {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * Named checkpoint tensors, looked up by their ORIGINAL key names. Shapes are known up front
 * (so graphs can be built and checked without reading weights); data is read one tensor at a
 * time so conversion memory stays near the largest tensor.
 */
export interface WeightSource {
  readonly description: string;
  keys(): string[];
  info(key: string): WeightInfo | undefined;
  readFloat32(key: string): Promise<Float32Array>;
  close(): Promise<void>;
}

export class SafetensorsWeightSource implements WeightSource {
  constructor(readonly file: SafetensorsFile) {}
  get description() { return this.file.path; }
  keys() { return this.file.keys(); }
  info(key: string) { return this.file.entries.get(key); }
  readFloat32(key: string) { return this.file.readFloat32(key); }
  close() { return this.file.close(); }
}

export class TorchWeightSource implements WeightSource {
  constructor(readonly checkpoint: TorchCheckpoint) {}
  get description() { return this.checkpoint.path; }
  keys() { return [...this.checkpoint.tensors.keys()]; }
  info(key: string): WeightInfo | undefined {
    const ref = this.checkpoint.tensors.get(key);
    return ref && { shape: ref.shape, dtype: ref.storage.dtype };
  }
  readFloat32(key: string) { return this.checkpoint.readFloat32(key); }
  close() { return this.checkpoint.close(); }
}

/**
 * Layers sources: a key present in a later layer wins. LVCD needs this because lvcd.ckpt
 * re-trains some UNet layers that svd.safetensors also contains.
 */
export class OverlayWeightSource implements WeightSource {
  private readonly layers: readonly WeightSource[];
  constructor(base: WeightSource, ...overrides: WeightSource[]) {
    this.layers = [base, ...overrides];
  }
  get description() { return this.layers.map((l) => l.description).join(' + '); }
  private owner(key: string): WeightSource | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) if (this.layers[i]!.info(key)) return this.layers[i];
    return undefined;
  }
  keys() { return [...new Set(this.layers.flatMap((l) => l.keys()))]; }
  info(key: string) { return this.owner(key)?.info(key); }
  /** Which source supplies a key (for tests and diagnostics). */
  sourceOf(key: string) { return this.owner(key)?.description; }
  readFloat32(key: string) {
    const owner = this.owner(key);
    if (!owner) return Promise.reject(new Error(`no weight named "${key}" in ${this.description}`));
    return owner.readFloat32(key);
  }
  async close() { await Promise.all(this.layers.map((l) => l.close())); }
}

/**
 * Shapes without data, e.g. from a key listing (`name<TAB>[d0, d1]` lines). Builds graph
 * skeletons for the real-size model to prove every key maps, without the 12 GB of weights.
 */
export class ShapeOnlyWeightSource implements WeightSource {
  constructor(
    readonly description: string,
    private readonly shapes: ReadonlyMap<string, readonly number[]>,
  ) {}
  static fromListing(description: string, text: string): ShapeOnlyWeightSource {
    const shapes = new Map<string, number[]>();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const [key, shape] = line.split('\t');
      shapes.set(key!, JSON.parse(shape!) as number[]);
    }
    return new ShapeOnlyWeightSource(description, shapes);
  }
  static async fromListingFile(path: string) {
    return ShapeOnlyWeightSource.fromListing(path, await readFile(path, 'utf8'));
  }
  keys() { return [...this.shapes.keys()]; }
  info(key: string): WeightInfo | undefined {
    const shape = this.shapes.get(key);
    return shape && { shape, dtype: 'F32' };
  }
  readFloat32(key: string): Promise<Float32Array> {
    return Promise.reject(new Error(`${this.description} lists shapes only; cannot read "${key}"`));
  }
  async close() {}
}

/** Opens a weight file by content: safetensors, or a PyTorch zip (.ckpt/.pth). */
export async function openWeightFile(path: string): Promise<WeightSource> {
  const handle = await open(path, 'r');
  const magic = new Uint8Array(4);
  try {
    await handle.read(magic, 0, 4, 0);
  } finally {
    await handle.close();
  }
  const isZip = magic[0] === 0x50 && magic[1] === 0x4b && magic[2] === 0x03 && magic[3] === 0x04;
  if (isZip) return new TorchWeightSource(await TorchCheckpoint.open(path));
  if (/\.(ckpt|pth|pt)$/i.test(path)) {
    throw new CheckpointFormatError(path, 'expected a PyTorch zip checkpoint (file does not start with a zip header)');
  }
  return new SafetensorsWeightSource(await SafetensorsFile.open(path));
}
