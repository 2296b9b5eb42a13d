import { open, type FileHandle } from 'node:fs/promises';
import { CheckpointFormatError } from './errors.js';
import { DTYPE_BYTES, bytesToFloat32, elementCount, isDType, type DType } from './dtype.js';
import { readExactly } from './file-range.js';

/** Where one tensor lives inside a safetensors file (absolute byte offsets). */
export interface SafetensorsEntry {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly byteLength: number;
}

/** The JSON header is read whole; anything bigger than this is not a real header. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/**
 * A safetensors file opened for random access: only the header is parsed up front; tensor
 * bytes are read by offset on demand, so a 10 GB file costs one tensor of memory at a time.
 */
export class SafetensorsFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly entries: ReadonlyMap<string, SafetensorsEntry>,
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  static async open(path: string): Promise<SafetensorsFile> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const { entries, metadata } = await parseHeader(handle, path, size);
      return new SafetensorsFile(path, handle, entries, metadata);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  entry(key: string): SafetensorsEntry {
    const found = this.entries.get(key);
    if (!found) throw new CheckpointFormatError(this.path, `no tensor named "${key}"`);
    return found;
  }

  async readBytes(key: string): Promise<Uint8Array> {
    const { offset, byteLength } = this.entry(key);
    return readExactly(this.handle, this.path, offset, byteLength);
  }

  async readFloat32(key: string): Promise<Float32Array> {
    const { dtype } = this.entry(key);
    return bytesToFloat32(await this.readBytes(key), dtype);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

async function parseHeader(handle: FileHandle, path: string, fileSize: number) {
  const fail = (reason: string): never => {
    throw new CheckpointFormatError(path, `not a valid safetensors file: ${reason}`);
  };
  if (fileSize < 8) fail(`file is ${fileSize} bytes, shorter than the 8-byte header length`);
  const lengthBytes = await readExactly(handle, path, 0, 8);
  const headerLength = Number(new DataView(lengthBytes.buffer).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) fail(`header length ${headerLength} is implausibly large`);
  if (8 + headerLength > fileSize) {
    fail(`header length ${headerLength} runs past the end of the ${fileSize}-byte file`);
  }
  const headerText = new TextDecoder('utf-8', { fatal: false }).decode(
    await readExactly(handle, path, 8, headerLength),
  );
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch {
    return fail('header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return fail('header is not a JSON object');
  }
  const dataStart = 8 + headerLength;
  const dataSize = fileSize - dataStart;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(header as Record<string, unknown>)) {
    if (key === '__metadata__') {
      metadata = (value ?? {}) as Record<string, string>;
      continue;
    }
    entries.set(key, validateEntry(key, value, dataStart, dataSize, fail));
  }
  return { entries, metadata };
}

function validateEntry(
  key: string,
  value: unknown,
  dataStart: number,
  dataSize: number,
  fail: (reason: string) => never,
): SafetensorsEntry {
  const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof v !== 'object' || v === null) fail(`entry "${key}" is not an object`);
  if (typeof v.dtype !== 'string' || !isDType(v.dtype)) fail(`entry "${key}" has unknown dtype ${String(v.dtype)}`);
  const dtype = v.dtype as DType;
  const shape = v.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`entry "${key}" has an invalid shape`);
  }
  const offsets = v.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  ) {
    fail(`entry "${key}" has invalid data_offsets`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin || end > dataSize) {
    fail(`entry "${key}" data_offsets [${begin}, ${end}] lie outside the ${dataSize}-byte data section`);
  }
  const expected = elementCount(shape as number[]) * DTYPE_BYTES[dtype];
  if (end - begin !== expected) {
    fail(`entry "${key}" spans ${end - begin} bytes but ${dtype}${JSON.stringify(shape)} needs ${expected}`);
  }
  return { dtype, shape: shape as number[], offset: dataStart + begin, byteLength: expected };
}
