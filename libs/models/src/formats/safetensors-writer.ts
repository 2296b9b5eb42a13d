import { DTYPE_BYTES, elementCount, type DType } from './dtype.js';

export interface SafetensorsInput {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Raw little-endian element bytes. */
  readonly data: Uint8Array;
}

/**
 * Builds a small safetensors file in memory. Meant for tests and small exports (goldens,
 * crafted files); large weights are never re-encoded by the converter.
 */
export function encodeSafetensors(tensors: Readonly<Record<string, SafetensorsInput>>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [key, t] of Object.entries(tensors)) {
    const expected = elementCount(t.shape) * DTYPE_BYTES[t.dtype];
    if (t.data.byteLength !== expected) {
      throw new RangeError(`encodeSafetensors: "${key}" has ${t.data.byteLength} bytes, needs ${expected}`);
    }
    header[key] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + expected] };
    offset += expected;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // the format pads the header to 8 bytes
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of Object.values(tensors)) {
    out.set(t.data, at);
    at += t.data.byteLength;
  }
  return out;
}
