// Reads the text chunks of a PNG, to find the workflow the studio embeds under `lvcd-workflow`: the one PNG text reader
// of the studio, browser-safe (no Buffer), used by the editor's import and by the specs that check saved outputs.
// The writer is @lvcd/media's addPngText.

/** The tEXt keyword under which saved PNGs carry the workflow that produced them (@lvcd/media writes it). */
export const PNG_WORKFLOW_KEY = 'lvcd-workflow';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Text chunks (tEXt, and iTXt without compression) by keyword. Throws on a truncated or non-PNG file.
 * Text is decoded as UTF-8 when it is valid UTF-8 (writers put JSON there), else as Latin-1 as the PNG spec says.
 */
export function readPngText(bytes: Uint8Array): Map<string, string> {
  if (!isPng(bytes)) throw new Error('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, string>();
  let at = 8;
  let ended = false;
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const start = at + 8;
    const end = start + length;
    if (end + 4 > bytes.length) throw new Error(`the PNG is truncated (chunk ${type} runs past the end)`);
    const data = bytes.subarray(start, end);
    if (type === 'tEXt') {
      const zero = data.indexOf(0);
      if (zero > 0) out.set(latin1(data.subarray(0, zero)), decodeText(data.subarray(zero + 1)));
    } else if (type === 'iTXt') {
      readItxt(data, out);
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    at = end + 4; // skip the CRC
  }
  if (!ended) throw new Error('the PNG is truncated (no IEND chunk)');
  return out;
}

function readItxt(data: Uint8Array, out: Map<string, string>): void {
  const zero = data.indexOf(0);
  if (zero <= 0 || zero + 2 >= data.length) return;
  const compressed = data[zero + 1] !== 0;
  if (compressed) return; // the studio writes plain text; a compressed chunk is someone else's
  let p = zero + 3;
  const langEnd = data.indexOf(0, p);
  if (langEnd < 0) return;
  const transEnd = data.indexOf(0, langEnd + 1);
  if (transEnd < 0) return;
  p = transEnd + 1;
  out.set(latin1(data.subarray(0, zero)), new TextDecoder('utf-8').decode(data.subarray(p)));
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

function decodeText(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return latin1(b);
  }
}
