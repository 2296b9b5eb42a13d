/**
 * Width and height from an image file's header, without decoding a pixel, so an upload declaring
 * 20000 x 20000 (a decompression bomb: ~1.2 GB of RGB) is refused before anything allocates for it.
 * Reads PNG, GIF, WebP and JPEG; undefined when the header cannot be read.
 */
export function imageSize(head: Buffer): { width: number; height: number } | undefined {
  if (head.length < 24) return undefined;
  if (head.readUInt32BE(0) === 0x89504e47) {
    // The IHDR chunk must come first: its width and height are at bytes 16 and 20.
    if (head.toString('latin1', 12, 16) !== 'IHDR') return undefined;
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  }
  if (head.toString('latin1', 0, 4) === 'GIF8') return { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return webpSize(head);
  if (head[0] === 0xff && head[1] === 0xd8) return jpegSize(head);
  return undefined;
}

function webpSize(b: Buffer): { width: number; height: number } | undefined {
  if (b.length < 30) return undefined;
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  if (chunk === 'VP8 ' && b.readUIntBE(23, 3) === 0x9d012a) return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  return undefined;
}

/** Walks the JPEG markers to the first start-of-frame, which holds the size. */
function jpegSize(b: Buffer): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    const length = b.readUInt16BE(at + 2);
    if (length < 2) return undefined;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  return undefined;
}
