import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../frames/index.js';
import { embedWorkflowInPng } from './embedded-workflow.js';
import { readImageChecked, readImageSize } from './image-file.js';
import { MediaError } from './media-error.js';
import { naturalSort } from './natural-sort.js';
import { addPngText } from './png-text.js';
import { defaultZipLimits, isMissingZipDirectory, openFrameZip } from './frame-zip.js';
import { ZipFileWriter } from './zip-write.js';

let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'lvcd-media-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

const tiny = () => encodePng({ width: 2, height: 2, data: new Uint8Array(12).fill(200) });

/** A PNG whose header claims width x height with almost no pixel data: enough for a size check to refuse it. */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const chunk = (type: string, body: number[]) => {
    const typed = Buffer.from([...Buffer.from(type, 'latin1'), ...body]);
    const out = Buffer.alloc(12 + body.length);
    out.writeUInt32BE(body.length, 0);
    typed.copy(out, 4);
    out.writeUInt32BE(crc32(typed), 8 + body.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', [...ihdr]), chunk('IDAT', [...deflateSync(Buffer.alloc(64))]), chunk('IEND', [])]);
}

describe('natural sort', () => {
  it('orders frame numbers as numbers', () => {
    expect(naturalSort(['f10.png', 'f2.png', 'f1.png', 'a/f3.png'])).toEqual(['a/f3.png', 'f1.png', 'f2.png', 'f10.png']);
  });
});

describe('workflow embedding', () => {
  it('writes the workflow as an ASCII tEXt chunk with its CRC just before IEND, and the PNG still decodes', async () => {
    const doc = { format: 'lvcd-studio/workflow', version: 1, nodes: [], links: [], meta: { name: 'café 線画' } };
    const plain = await tiny();
    const png = Buffer.from(embedWorkflowInPng(plain, doc));
    // Read back by @lvcd/nodes' readPngText in its own spec; here the chunk's bytes are checked as the PNG spec lays them out.
    const body = Buffer.from(`lvcd-workflow\0${JSON.stringify(doc).replace('é', '\\u00e9').replace('線', '\\u7dda').replace('画', '\\u753b')}`, 'latin1');
    const at = png.indexOf('tEXt') - 4;
    expect(png.readUInt32BE(at)).toBe(body.length);
    expect(png.subarray(at + 8, at + 8 + body.length).equals(body)).toBe(true);
    expect(png.readUInt32BE(at + 8 + body.length)).toBe(crc32(png.subarray(at + 4, at + 8 + body.length)));
    expect(png.toString('latin1', at + 16 + body.length, at + 20 + body.length)).toBe('IEND');
    expect((await readImageChecked(png, 'x.png')).width).toBe(2);
  });

  it('refuses what a tEXt chunk cannot carry', async () => {
    const png = await tiny();
    expect(() => addPngText(new Uint8Array([1, 2, 3]), 'k', 'v')).toThrow(/not a PNG/);
    expect(() => addPngText(png, 'bad\u0001key', 'v')).toThrow(/bad PNG text keyword/);
    expect(() => addPngText(png, 'k', '線')).toThrow(/Latin-1/);
  });
});

describe('zip frames', () => {
  const onDisk = async (name: string, bytes: Uint8Array) => {
    const file = join(dir, name);
    await writeFile(file, bytes);
    return file;
  };

  it('writes a zip entry by entry and lists its images in natural order, skipping other files', async () => {
    const file = join(dir, 'seq.zip');
    const zip = await ZipFileWriter.create(file);
    const png = await tiny();
    for (const name of ['frame_10.png', 'frame_2.png', 'notes.txt', '__MACOSX/._frame_1.png', 'frame_1.png']) await zip.add(name, png);
    await zip.finish();
    const frames = await openFrameZip(file, 'seq.zip');
    expect(frames.names).toEqual(['frame_1.png', 'frame_2.png', 'frame_10.png']);
    expect(Buffer.from(await frames.read(1)).equals(png)).toBe(true);
    await frames.close();
  });

  it('reads every frame of a zip larger than its read window, in file order and backwards', async () => {
    const frames = Array.from({ length: 300 }, (_, i) => new Uint8Array(8192).map((_, j) => (i * 31 + j * 7) % 256));
    const file = await onDisk('long.zip', zipSync(Object.fromEntries(frames.map((f, i) => [`f_${i}.png`, [f, { level: i % 2 ? 6 : 0 }]]))));
    const zip = await openFrameZip(file, 'long.zip');
    for (const index of [...frames.keys(), ...[...frames.keys()].reverse()]) {
      expect(Buffer.from(await zip.read(index)).equals(frames[index]!), `frame ${index}`).toBe(true);
    }
    await zip.close();
  });

  it('inflates deflated frames and refuses a frame whose bytes do not match its CRC', async () => {
    const frame = new Uint8Array(4096).map((_, i) => i % 7);
    const file = await onDisk('deflated.zip', zipSync({ 'a.png': frame }, { level: 6 }));
    const frames = await openFrameZip(file, 'deflated.zip');
    expect(Buffer.from(await frames.read(0)).equals(frame)).toBe(true);
    await frames.close();
    const stored = zipSync({ 'a.png': frame }, { level: 0 });
    stored[30 + 'a.png'.length + 100]! ^= 0xff; // one byte of the stored data
    const damaged = await openFrameZip(await onDisk('damaged.zip', stored), 'damaged.zip');
    await expect(damaged.read(0)).rejects.toThrow(/"damaged.zip" is not a readable zip \(zip member "a.png" is damaged \(CRC mismatch\)\)/);
    await damaged.close();
  });

  it('refuses a zip bomb by its declared sizes before inflating anything', async () => {
    const bomb = await onDisk('bomb.zip', zipSync({ 'frame_1.png': new Uint8Array(50 * 1024 * 1024) }, { level: 9 }));
    await expect(openFrameZip(bomb, 'bomb.zip')).rejects.toThrow(/zip bomb/);
    await expect(openFrameZip(bomb, 'bomb.zip', { ...defaultZipLimits, maxEntryBytes: 1024 })).rejects.toThrow(/over the limit of 1024/);
    await expect(openFrameZip(bomb, 'bomb.zip', { ...defaultZipLimits, maxRatio: 1e6, maxTotalBytes: 1024 * 1024 })).rejects.toThrow(/inflates to over 1048576 bytes/);
  });

  it('refuses a member that inflates past the size its directory declares', async () => {
    const bytes = zipSync({ 'a.png': new Uint8Array(1000).fill(1) }, { level: 9 });
    const central = Buffer.from(bytes).lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    new DataView(bytes.buffer).setUint32(central + 24, 10, true); // the directory now claims 10 bytes
    const frames = await openFrameZip(await onDisk('liar.zip', bytes), 'liar.zip');
    await expect(frames.read(0)).rejects.toThrow(/does not inflate to its declared 10 bytes/);
    await frames.close();
  });

  it('refuses too many entries, a damaged zip and a zip without frames', async () => {
    const many = zipSync({ 'a.png': new Uint8Array(1), 'b.png': new Uint8Array(1), 'c.png': new Uint8Array(1) });
    await expect(openFrameZip(await onDisk('many.zip', many), 'many.zip', { ...defaultZipLimits, maxEntries: 2 })).rejects.toThrow(/over 2 entries/);
    const cut = openFrameZip(await onDisk('cut.zip', many.subarray(0, many.length - 30)), 'cut.zip');
    await expect(cut).rejects.toThrow(MediaError);
    expect(isMissingZipDirectory(await cut.catch((e: unknown) => e))).toBe(true);
    await expect(openFrameZip(await onDisk('text.zip', zipSync({ 'readme.txt': new Uint8Array(3) })), 'text.zip')).rejects.toThrow(/no PNG, JPEG or WebP/);
  });
});

describe('image files', () => {
  it('reads image sizes from the first bytes of a file, without the rest', async () => {
    expect(await readImageSize(pngHeaderOnly(20000, 30000))).toEqual({ width: 20000, height: 30000 });
    const pixels = { raw: { width: 96, height: 40, channels: 3 as const } };
    const noise = Buffer.from(new Uint8Array(96 * 40 * 3).map((_, i) => (i * 131) % 251));
    for (const format of ['png', 'jpeg'] as const) {
      const file = await sharp(noise, pixels).toFormat(format).toBuffer();
      expect(await readImageSize(file.subarray(0, file.length >> 1)), format).toEqual({ width: 96, height: 40 });
    }
    const webp = join(dir, 'size.webp');
    await writeFile(webp, await sharp(noise, pixels).webp().toBuffer());
    expect(await readImageSize(webp)).toEqual({ width: 96, height: 40 });
    expect(await readImageSize(Buffer.from('not an image at all, no header here'))).toBeUndefined();
    expect(await readImageSize(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, ...Buffer.alloc(30)]))).toBeUndefined();
  });

  it('refuses a 20000x20000 image from its header, before decoding', async () => {
    await expect(readImageChecked(pngHeaderOnly(20000, 20000), 'huge.png')).rejects.toThrow(/20000x20000, over the limit/);
  });

  it('refuses corrupt, truncated and non-image files with the file name', async () => {
    const png = await encodePng({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).map((_, i) => (i * 7) % 251) });
    await expect(readImageChecked(png.subarray(0, png.length / 2), 'cut.png')).rejects.toThrow(/"cut.png" is damaged/);
    await expect(readImageChecked(Buffer.from('hello, not an image'), 'notes.txt')).rejects.toThrow(/"notes.txt" is not a readable image/);
  });
});
