// Stand-in weights: a safetensors file with every key of a listing (keys-*.tsv: `name<TAB>[d0, d1, ...]`) at its
// listed shape, filled with small seeded pseudo-random values. The real checkpoints are not redistributable, but
// their names and shapes are, and time and memory depend on nothing else; constants would let kernels and the
// converter take shortcuts (and make every attention uniform), so each tensor gets its own reproducible noise.
// Written tensor by tensor through one reused chunk, so memory stays flat whatever the file size (12.7 GB for the
// real model).
import { open, readFile } from 'node:fs/promises';

/** Values generated (and written) per chunk: 16 MiB of float32. */
export const CHUNK_VALUES = 4 * 2 ** 20;

/** The entries of a key listing, in file order. */
export async function readListing(file) {
  const entries = [];
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    const [key, shape] = line.split('\t');
    entries.push({ key, shape: JSON.parse(shape) });
  }
  return entries;
}

const count = (shape) => shape.reduce((a, b) => a * b, 1);

/** FNV-1a of a key, so every tensor's stream depends only on the seed and its own name (not on file order). */
function keyHash(key) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Where a tensor's values lie: centre +- half. Matrices and kernels get PyTorch's default init bound
 * 1/sqrt(fan_in), so activations keep their scale through 2.2 B parameters instead of overflowing; norm scales
 * sit near 1 (near 0 they would zero the residual branches); biases and other vectors stay small.
 */
export function valueRange(key, shape) {
  if (shape.length >= 2) return { centre: 0, half: 1 / Math.sqrt(count(shape.slice(1))) };
  // A vector named `.weight` is a norm's scale: Linear and Conv weights have two or more dims.
  if (key.endsWith('.weight')) return { centre: 1, half: 0.1 };
  return { centre: 0, half: 0.02 };
}

/**
 * The values of one tensor from index `from`, into `out` (mulberry32 over the seed and the key: 2^32 period per
 * tensor, far more than the largest tensor's 8 M values).
 */
export function fillValues(out, seed, key, shape, from = 0) {
  const { centre, half } = valueRange(key, shape);
  const scale = half / 2 ** 31;
  let state = ((Math.imul(seed >>> 0, 0x9e3779b1) ^ keyHash(key)) + Math.imul(from, 0x6d2b79f5)) | 0;
  for (let i = 0; i < out.length; i++) {
    // Kept in int32 throughout (| 0), so V8 never leaves its integer fast path.
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = ((t + Math.imul(t ^ (t >>> 7), 61 | t)) | 0) ^ t;
    out[i] = centre + (t ^ (t >>> 14)) * scale;
  }
  return out;
}

/** The safetensors header for the entries (F32, offsets in order), padded to 8 bytes as the format asks. */
export function standInHeader(entries) {
  const header = {};
  let offset = 0;
  for (const { key, shape } of entries) {
    const bytes = count(shape) * 4;
    header[key] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  return { json: Buffer.from(json), dataBytes: offset };
}

/**
 * Writes `entries` as an F32 safetensors file. `onProgress(bytesWritten, totalBytes)` is called per chunk.
 * Returns the file's size, its tensor count and the seconds it took.
 */
export async function writeStandInSafetensors(entries, file, { seed = 1234, onProgress } = {}) {
  const started = performance.now();
  const { json, dataBytes } = standInHeader(entries);
  const chunk = new Float32Array(CHUNK_VALUES);
  const handle = await open(file, 'w');
  try {
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(json.length));
    await handle.write(length);
    await handle.write(json);
    let written = 0;
    for (const { key, shape } of entries) {
      const n = count(shape);
      for (let at = 0; at < n; at += CHUNK_VALUES) {
        const part = fillValues(chunk.subarray(0, Math.min(CHUNK_VALUES, n - at)), seed, key, shape, at);
        // Positional writes: each chunk goes where its offset says, so a stream-continuation bug cannot shift data.
        await handle.write(new Uint8Array(part.buffer, 0, part.byteLength), 0, part.byteLength, 8 + json.length + written);
        written += part.byteLength;
        onProgress?.(written, dataBytes);
      }
    }
  } finally {
    await handle.close();
  }
  return { bytes: 8 + json.length + dataBytes, tensors: entries.length, seconds: (performance.now() - started) / 1000 };
}
