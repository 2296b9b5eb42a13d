/**
 * Reads the iTunes-style comment (moov/udta/meta/ilst/©cmt/data) that ffmpeg writes for `-metadata comment=`
 * in mp4 and mov files. A bounded walk over box headers: no decoding, never throws on damaged input.
 */

interface Box {
  type: string;
  start: number; // first byte of the body
  end: number;
}

function* boxes(bytes: Uint8Array, start: number, end: number): Generator<Box> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = start;
  while (at + 8 <= end) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return;
      const big = view.getBigUint64(at + 8);
      if (big > BigInt(end - at)) return;
      size = Number(big);
      header = 16;
    } else if (size === 0) {
      size = end - at; // the box runs to the end of its parent
    }
    if (size < header || at + size > end) return;
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    yield { type, start: at + header, end: at + size };
    at += size;
  }
}

function child(bytes: Uint8Array, parent: { start: number; end: number }, type: string): Box | undefined {
  for (const box of boxes(bytes, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

export function isMp4(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && String.fromCharCode(bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!) === 'ftyp';
}

export function readMp4Comment(bytes: Uint8Array): string | undefined {
  if (!isMp4(bytes)) return undefined;
  let node: Box | undefined = { type: 'file', start: 0, end: bytes.length };
  for (const type of ['moov', 'udta', 'meta']) {
    node = node && child(bytes, node, type);
  }
  if (!node) return undefined;
  // `meta` is a full box: 4 bytes of version and flags precede its children.
  const ilst = child(bytes, { start: node.start + 4, end: node.end }, 'ilst');
  const cmt = ilst && child(bytes, ilst, '\u00a9cmt');
  const data = cmt && child(bytes, cmt, 'data');
  // `data` body: 4 bytes type indicator (1 = UTF-8), 4 bytes locale, then the text.
  if (!data || data.end - data.start < 8) return undefined;
  return Buffer.from(bytes.subarray(data.start + 8, data.end)).toString('utf8');
}
