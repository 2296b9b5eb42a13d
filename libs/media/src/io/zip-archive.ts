import { open, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';

/** One member of a zip archive, as described by the central directory. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

/** What is wrong with a zip: no end record at all (not a zip, or cut before its end), too many members, or damage. */
export type ZipFailure = 'no-directory' | 'too-many-entries' | 'damaged';

/** A zip that cannot be read safely. */
export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly kind: ZipFailure = 'damaged',
  ) {
    super(`${file}: ${reason}`);
  }
}

export interface ZipOpenOptions {
  /** Refuses a directory that lists more members, before parsing it. */
  maxEntries?: number;
  /** Turns every failure into the caller's own error type (a checkpoint error, a media error with a fix). */
  error?: (error: ZipFormatError) => Error;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
/** Members inflated into memory (a pickle, a frame) must stay small; tensor data is read in place. */
const MAX_INFLATED_BYTES = 512 * 1024 * 1024;
/** A local header's name and extra field are read along with it; longer ones cost a second read. */
const LOCAL_READ_AHEAD = 30 + 256;
/**
 * Small members are read through a window of this many bytes that is kept for the next read: members read in
 * file order (frames) then cost one read per window, not one per member.
 */
const WINDOW_BYTES = 1024 * 1024;

const inflateRawAsync = promisify(inflateRaw);

/**
 * A read-only zip archive (with ZIP64, as torch.save writes for files over 4 GB). Only the central directory is
 * loaded, once; member data is read by offset, so STORED tensor blobs are never copied whole and frame N of a
 * 20,000-frame sequence costs one lookup and one read. The one zip reader of the studio: checkpoints, frame
 * sequences (uploads, Load Frames, compare) all go through it.
 */
export class ZipArchive {
  private window: { start: number; bytes: Uint8Array } | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly size: number,
    readonly entries: ReadonlyMap<string, ZipEntry>,
    private readonly mapError: (error: ZipFormatError) => Error,
  ) {}

  static async open(path: string, options: ZipOpenOptions = {}): Promise<ZipArchive> {
    const mapError = options.error ?? ((e: ZipFormatError) => e);
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const entries = await readCentralDirectory(new FileReader(handle, path, mapError), size, options.maxEntries);
      return new ZipArchive(path, handle, size, entries, mapError);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  private fail(reason: string): never {
    throw this.mapError(new ZipFormatError(this.path, reason));
  }

  private get reader(): FileReader {
    return new FileReader(this.handle, this.path, this.mapError);
  }

  entry(name: string): ZipEntry {
    return this.entries.get(name) ?? this.fail(`zip member "${name}" is missing`);
  }

  /** Absolute file offset of a member's data, after its local header. */
  async dataOffset(entry: ZipEntry): Promise<number> {
    return (await this.readLocal(entry, 0, false)).start;
  }

  /**
   * Reads the local header and, in the same read when they fit, the first `want` bytes of data: small
   * members (frames) cost one read, not two.
   */
  private async readLocal(entry: ZipEntry, want: number, windowed: boolean): Promise<{ start: number; ahead: Uint8Array }> {
    const length = Math.min(LOCAL_READ_AHEAD + want, this.size - entry.localHeaderOffset);
    if (length < 30) this.fail(`zip member "${entry.name}" has no local header at offset ${entry.localHeaderOffset}`);
    const local = windowed ? await this.readThroughWindow(entry.localHeaderOffset, length) : await this.reader.read(entry.localHeaderOffset, length);
    const view = new DataView(local.buffer, local.byteOffset, local.byteLength);
    if (view.getUint32(0, true) !== LOCAL_SIGNATURE) {
      this.fail(`zip member "${entry.name}" has no local header at offset ${entry.localHeaderOffset}`);
    }
    const skip = 30 + view.getUint16(26, true) + view.getUint16(28, true);
    const start = entry.localHeaderOffset + skip;
    if (start + entry.compressedSize > this.size) {
      this.fail(`zip member "${entry.name}" runs past the end of the file (truncated?)`);
    }
    return { start, ahead: local.subarray(skip) };
  }

  /** `length` bytes at `offset`, from the kept window when it holds them; a small read refills the window. */
  private async readThroughWindow(offset: number, length: number): Promise<Uint8Array> {
    const window = this.window;
    if (window && offset >= window.start && offset + length <= window.start + window.bytes.length) {
      return window.bytes.subarray(offset - window.start, offset - window.start + length);
    }
    if (length > WINDOW_BYTES) return this.reader.read(offset, length);
    const bytes = await this.reader.read(offset, Math.min(WINDOW_BYTES, this.size - offset));
    this.window = { start: offset, bytes };
    return bytes.subarray(0, length);
  }

  /** Reads a whole member into memory (inflating if needed, checking its CRC); for small members only. */
  async readEntry(nameOrEntry: string | ZipEntry): Promise<Uint8Array> {
    const entry = typeof nameOrEntry === 'string' ? this.entry(nameOrEntry) : nameOrEntry;
    const { name } = entry;
    if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATE) this.fail(`zip member "${name}" uses unsupported method ${entry.method}`);
    if (entry.size > MAX_INFLATED_BYTES) this.fail(`zip member "${name}" inflates to ${entry.size} bytes, too large`);
    const { start, ahead } = await this.readLocal(entry, entry.compressedSize, true);
    const inWindow = ahead.length >= entry.compressedSize;
    const raw = inWindow ? ahead.subarray(0, entry.compressedSize) : await this.reader.read(start, entry.compressedSize);
    // A stored member is copied out of the window, so the caller neither pins nor alters it.
    let data = inWindow && entry.method === METHOD_STORED ? raw.slice() : raw;
    if (entry.method === METHOD_DEFLATE) {
      try {
        // The cap is the size the directory declares, so a lying member cannot inflate past what was checked.
        data = await inflateRawAsync(raw, { maxOutputLength: Math.max(1, entry.size) });
      } catch (error) {
        this.fail(`zip member "${name}" does not inflate to its declared ${entry.size} bytes: ${(error as Error).message}`);
      }
    }
    if (data.length !== entry.size) this.fail(`zip member "${name}" holds ${data.length} bytes, not the ${entry.size} its directory declares`);
    if (crc32(data) !== entry.crc32) this.fail(`zip member "${name}" is damaged (CRC mismatch)`);
    return data;
  }

  /** Reads `length` bytes at `offset` inside a STORED member (tensor data). */
  async readStoredRange(entry: ZipEntry, offset: number, length: number): Promise<Uint8Array> {
    if (entry.method !== METHOD_STORED) {
      this.fail(`zip member "${entry.name}" is compressed; tensor data must be STORED to be read in place`);
    }
    if (offset < 0 || offset + length > entry.size) {
      this.fail(`range [${offset}, ${offset + length}) lies outside zip member "${entry.name}" (${entry.size} bytes)`);
    }
    return this.reader.read((await this.dataOffset(entry)) + offset, length);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Reads exact byte ranges; a short read means the file is shorter than its own directory claims. */
class FileReader {
  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly mapError: (error: ZipFormatError) => Error,
  ) {}

  fail(reason: string, kind?: ZipFailure): never {
    throw this.mapError(new ZipFormatError(this.path, reason, kind));
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const buffer = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, offset + done);
      if (bytesRead === 0) this.fail(`truncated: wanted ${length} bytes at offset ${offset}, file ends after ${offset + done}`);
      done += bytesRead;
    }
    return buffer;
  }
}

async function readCentralDirectory(file: FileReader, size: number, maxEntries = Infinity): Promise<Map<string, ZipEntry>> {
  const fail = (reason: string): never => file.fail(`not a valid zip archive: ${reason}`);
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = await file.read(size - tailLength, tailLength);
  const tailView = new DataView(tail.buffer);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tailView.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) file.fail('not a valid zip archive: no end-of-central-directory record (file truncated or not a zip)', 'no-directory');
  let count = tailView.getUint16(eocd + 10, true);
  let dirSize = tailView.getUint32(eocd + 12, true);
  let dirOffset = tailView.getUint32(eocd + 16, true);
  const locatorAt = eocd - 20;
  if (locatorAt >= 0 && tailView.getUint32(locatorAt, true) === ZIP64_LOCATOR_SIGNATURE) {
    const zip64At = Number(tailView.getBigUint64(locatorAt + 8, true));
    if (zip64At + 56 > size) fail('ZIP64 end record lies outside the file');
    const record = new DataView((await file.read(zip64At, 56)).buffer);
    if (record.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) fail('bad ZIP64 end record');
    count = Number(record.getBigUint64(32, true));
    dirSize = Number(record.getBigUint64(40, true));
    dirOffset = Number(record.getBigUint64(48, true));
  }
  if (count > maxEntries) file.fail(`it lists ${count} entries, over ${maxEntries}`, 'too-many-entries');
  if (dirOffset + dirSize > size) fail(`central directory [${dirOffset}, ${dirOffset + dirSize}) lies outside the file`);
  const dir = await file.read(dirOffset, dirSize);
  const view = new DataView(dir.buffer);
  const decoder = new TextDecoder();
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > dirSize || view.getUint32(at, true) !== CENTRAL_SIGNATURE) fail(`central directory entry ${n} is corrupt`);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    if (at + 46 + nameLength + extraLength > dirSize) fail(`central directory entry ${n} is cut short`);
    const name = decoder.decode(dir.subarray(at + 46, at + 46 + nameLength));
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
    entries.set(name, { name, method, compressedSize, size: uncompressedSize, crc32: crc, localHeaderOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
