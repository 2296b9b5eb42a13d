// Writes PNG text chunks; the one reader is readPngText in @lvcd/nodes (browser-safe, the editor uses it too).
import { crc32 } from 'node:zlib';
import { MediaError } from './media-error.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/**
 * Adds a tEXt chunk just before IEND. tEXt is Latin-1 only, so callers pass ASCII (JSON with non-ASCII
 * escaped as \uXXXX stays valid JSON and survives every PNG tool that keeps text chunks).
 */
export function addPngText(png: Uint8Array, keyword: string, text: string): Uint8Array {
  if (!isPng(png)) throw new MediaError('not a PNG file', 'pass PNG bytes');
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new MediaError(`bad PNG text keyword "${keyword}"`, 'use 1 to 79 printable ASCII characters');
  if (/[^\x00-\xff]/.test(text)) throw new MediaError('PNG tEXt holds Latin-1 text only', 'escape other characters first');
  const iend = findChunk(png, 'IEND');
  if (iend < 0) throw new MediaError('PNG has no IEND chunk (truncated file)', 'encode the image again');
  const body = Buffer.from(`${keyword}\0${text}`, 'latin1');
  const extra = chunk('tEXt', body);
  const out = new Uint8Array(png.length + extra.length);
  out.set(png.subarray(0, iend), 0);
  out.set(extra, iend);
  out.set(png.subarray(iend), iend + extra.length);
  return out;
}

/** Offset of the first chunk of a type, or -1. Walks chunk headers only; stops at anything malformed. */
function findChunk(png: Uint8Array, type: string): number {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    const name = String.fromCharCode(png[at + 4]!, png[at + 5]!, png[at + 6]!, png[at + 7]!);
    if (name === type) return at;
    at += 12 + length;
  }
  return -1;
}
