import { open, type FileHandle } from 'node:fs/promises';
import { inflateSync } from 'fflate';
import { CheckpointFormatError } from './errors.js';
import { readExactly } from './file-range.js';

/** One member of a zip archive, as described by the central directory. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
/** Members inflated into memory (the pickle) must stay small; tensor data is read in place. */
const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

/**
 * A read-only zip archive (with ZIP64, as torch.save writes for files over 4 GB). Only the
 * central directory is loaded; member data is read by offset so STORED tensor blobs never
 * have to be copied whole.
 */
export class ZipArchive {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly size: number,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  static async open(path: string): Promise<ZipArchive> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const entries = await readCentralDirectory(handle, path, size);
      return new ZipArchive(path, handle, size, entries);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  private fail(reason: string): never {
    throw new CheckpointFormatError(this.path, reason);
  }

  entry(name: string): ZipEntry {
    return this.entries.get(name) ?? this.fail(`zip member "${name}" is missing`);
  }

  /** Absolute file offset of a member's data, after its local header. */
  async dataOffset(entry: ZipEntry): Promise<number> {
    const local = await readExactly(this.handle, this.path, entry.localHeaderOffset, 30);
    const view = new DataView(local.buffer);
    if (view.getUint32(0, true) !== LOCAL_SIGNATURE) {
      this.fail(`zip member "${entry.name}" has no local header at offset ${entry.localHeaderOffset}`);
    }
    const start = entry.localHeaderOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
    if (start + entry.compressedSize > this.size) {
      this.fail(`zip member "${entry.name}" runs past the end of the file (truncated?)`);
    }
    return start;
  }

  /** Reads a whole member into memory (inflating if needed); for small members only. */
  async readEntry(name: string): Promise<Uint8Array> {
    const entry = this.entry(name);
    const raw = await readExactly(this.handle, this.path, await this.dataOffset(entry), entry.compressedSize);
    if (entry.method === METHOD_STORED) return raw;
    if (entry.method !== METHOD_DEFLATE) this.fail(`zip member "${name}" uses unsupported method ${entry.method}`);
    if (entry.size > MAX_INFLATED_BYTES) this.fail(`zip member "${name}" inflates to ${entry.size} bytes, too large`);
    try {
      return inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (error) {
      return this.fail(`zip member "${name}" does not inflate: ${(error as Error).message}`);
    }
  }

  /** Reads `length` bytes at `offset` inside a STORED member (tensor data). */
  async readStoredRange(entry: ZipEntry, offset: number, length: number): Promise<Uint8Array> {
    if (entry.method !== METHOD_STORED) {
      this.fail(`zip member "${entry.name}" is compressed; tensor data must be STORED to be read in place`);
    }
    if (offset < 0 || offset + length > entry.size) {
      this.fail(`range [${offset}, ${offset + length}) lies outside zip member "${entry.name}" (${entry.size} bytes)`);
    }
    return readExactly(this.handle, this.path, (await this.dataOffset(entry)) + offset, length);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

async function readCentralDirectory(handle: FileHandle, path: string, size: number) {
  const fail = (reason: string): never => {
    throw new CheckpointFormatError(path, `not a valid zip archive: ${reason}`);
  };
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = await readExactly(handle, path, size - tailLength, tailLength);
  const tailView = new DataView(tail.buffer);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tailView.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('no end-of-central-directory record (file truncated or not a zip)');
  let count = tailView.getUint16(eocd + 10, true);
  let dirSize = tailView.getUint32(eocd + 12, true);
  let dirOffset = tailView.getUint32(eocd + 16, true);
  const locatorAt = eocd - 20;
  if (locatorAt >= 0 && tailView.getUint32(locatorAt, true) === ZIP64_LOCATOR_SIGNATURE) {
    const zip64At = Number(tailView.getBigUint64(locatorAt + 8, true));
    if (zip64At + 56 > size) fail('ZIP64 end record lies outside the file');
    const record = new DataView((await readExactly(handle, path, zip64At, 56)).buffer);
    if (record.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) fail('bad ZIP64 end record');
    count = Number(record.getBigUint64(32, true));
    dirSize = Number(record.getBigUint64(40, true));
    dirOffset = Number(record.getBigUint64(48, true));
  }
  if (dirOffset + dirSize > size) fail(`central directory [${dirOffset}, ${dirOffset + dirSize}) lies outside the file`);
  const dir = await readExactly(handle, path, dirOffset, dirSize);
  const view = new DataView(dir.buffer);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > dirSize || view.getUint32(at, true) !== CENTRAL_SIGNATURE) fail(`central directory entry ${n} is corrupt`);
    const method = view.getUint16(at + 10, true);
    let compressedSize = view.getUint32(at + 20, true);
    let uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    if (at + 46 + nameLength + extraLength > dirSize) fail(`central directory entry ${n} is cut short`);
    const name = new TextDecoder().decode(dir.subarray(at + 46, at + 46 + nameLength));
    // ZIP64 extended information: 64-bit values appear only for fields saturated at 0xffffffff.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const len = view.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let p = extra + 4;
        const next = () => {
          if (p + 8 > extra + 4 + len) fail(`ZIP64 field of "${name}" is cut short`);
          const value = Number(view.getBigUint64(p, true));
          p += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      extra += 4 + len;
    }
    if (localHeaderOffset + 30 > size) fail(`member "${name}" starts past the end of the file`);
    entries.set(name, { name, method, compressedSize, size: uncompressedSize, localHeaderOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
