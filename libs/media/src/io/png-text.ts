import { crc32 } from './crc32.js';
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

/**
 * Reads the text stored under a keyword in a tEXt chunk, or an uncompressed iTXt chunk (UTF-8).
 * Returns undefined when absent; never throws on damaged files (a dropped file may be anything).
 */
export function readPngText(png: Uint8Array, keyword: string): string | undefined {
  if (!isPng(png)) return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(png[at + 4]!, png[at + 5]!, png[at + 6]!, png[at + 7]!);
    const end = at + 8 + length;
    if (end + 4 > png.length) return undefined;
    const body = png.subarray(at + 8, end);
    if (type === 'tEXt' || type === 'iTXt') {
      const nul = body.indexOf(0);
      if (nul > 0 && Buffer.from(body.subarray(0, nul)).toString('latin1') === keyword) {
        if (type === 'tEXt') return Buffer.from(body.subarray(nul + 1)).toString('latin1');
        // iTXt: keyword\0 compressionFlag compressionMethod language\0 translatedKeyword\0 text
        if (body[nul + 1] !== 0) return undefined;
        const lang = body.indexOf(0, nul + 3);
        const translated = lang < 0 ? -1 : body.indexOf(0, lang + 1);
        if (translated < 0) return undefined;
        return Buffer.from(body.subarray(translated + 1)).toString('utf8');
      }
    }
    if (type === 'IEND') return undefined;
    at = end + 4;
  }
  return undefined;
}
