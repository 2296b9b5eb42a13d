import { inflateRawSync } from 'node:zlib';
import type { FileHandle } from 'node:fs/promises';

/** Where one entry's bytes sit in a zip, from its central directory record. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

/**
 * Reads a zip's central directory through a file handle, without loading the archive: the compare view asks
 * for frame 900 of a 1,000-frame zip and gets it at once, instead of after the 899 before it. Returns null
 * for what this reader does not handle (zip64, a comment-less end record not found), so the caller falls
 * back to the sequential reader.
 */
export async function readZipIndex(file: FileHandle, fileSize: number): Promise<ZipEntry[] | null> {
  const tail = Math.min(fileSize, 22 + 65535);
  const end = Buffer.alloc(tail);
  await file.read(end, 0, tail, fileSize - tail);
  let eocd = -1;
  for (let i = tail - 22; i >= 0; i--) {
    if (end.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = end.readUInt16LE(eocd + 10);
  const cdSize = end.readUInt32LE(eocd + 12);
  const cdOffset = end.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff || cdOffset + cdSize > fileSize) return null;
  const cd = Buffer.alloc(cdSize);
  await file.read(cd, 0, cdSize, cdOffset);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let k = 0; k < count; k++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== 0x02014b50) return null;
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      method: cd.readUInt16LE(at + 10),
      compressedSize: cd.readUInt32LE(at + 20),
      size: cd.readUInt32LE(at + 24),
      localHeader: cd.readUInt32LE(at + 42),
      name: cd.toString('utf8', at + 46, at + 46 + nameLength),
    };
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localHeader === 0xffffffff) return null;
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** One entry's bytes (stored or deflated), read at its offset; sizes were checked by listZipImages before. */
export async function readZipIndexed(file: FileHandle, entry: ZipEntry): Promise<Buffer> {
  const head = Buffer.alloc(30);
  await file.read(head, 0, 30, entry.localHeader);
  if (head.readUInt32LE(0) !== 0x04034b50) throw new Error(`"${entry.name}" has no local header where the directory says`);
  const start = entry.localHeader + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  const data = Buffer.alloc(entry.compressedSize);
  await file.read(data, 0, entry.compressedSize, start);
  if (entry.method === 0) return data;
  if (entry.method === 8) return inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
  throw new Error(`"${entry.name}" uses compression method ${entry.method}`);
}
