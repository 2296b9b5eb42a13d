import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../frames/index.js';
import { crc32 } from './crc32.js';
import { embedWorkflowInPng, readEmbeddedWorkflow } from './embedded-workflow.js';
import { readImageChecked } from './image-file.js';
import { MediaError } from './media-error.js';
import { naturalSort } from './natural-sort.js';
import { readPngText } from './png-text.js';
import { defaultZipLimits, listZipImages, readZipEntry } from './zip-read.js';
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

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});

describe('workflow embedding', () => {
  it('round-trips a workflow through a PNG tEXt chunk, non-ASCII included, and the PNG still decodes', async () => {
    const doc = { format: 'lvcd-studio/workflow', version: 1, nodes: [], links: [], meta: { name: 'café 線画' } };
    const png = embedWorkflowInPng(await tiny(), doc);
    expect(readPngText(png, 'lvcd-workflow')).toContain('caf\\u00e9');
    expect(readEmbeddedWorkflow(png)).toEqual(doc);
    expect((await readImageChecked(png, 'x.png')).width).toBe(2);
  });

  it('finds nothing in files without a workflow or in garbage', async () => {
    expect(readEmbeddedWorkflow(await tiny())).toBeUndefined();
    expect(readEmbeddedWorkflow(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });
});

describe('zip frames', () => {
  it('writes a zip entry by entry and lists its images in natural order, skipping other files', async () => {
    const file = join(dir, 'seq.zip');
    const zip = await ZipFileWriter.create(file);
    const png = await tiny();
    for (const name of ['frame_10.png', 'frame_2.png', 'notes.txt', '__MACOSX/._frame_1.png', 'frame_1.png']) await zip.add(name, png);
    await zip.finish();
    const bytes = new Uint8Array(await readFile(file));
    expect(listZipImages(bytes, 'seq.zip')).toEqual(['frame_1.png', 'frame_2.png', 'frame_10.png']);
    expect(Buffer.from(readZipEntry(bytes, 'frame_2.png', 'seq.zip')).equals(png)).toBe(true);
  });

  it('refuses a zip bomb by its declared sizes before inflating anything', () => {
    const bomb = zipSync({ 'frame_1.png': new Uint8Array(50 * 1024 * 1024) }, { level: 9 });
    expect(() => listZipImages(bomb, 'bomb.zip')).toThrow(/zip bomb/);
    expect(() => listZipImages(bomb, 'bomb.zip', { ...defaultZipLimits, maxEntryBytes: 1024 })).toThrow(/over the limit of 1024/);
  });

  it('refuses too many entries, a damaged zip and a zip without frames', () => {
    const many = zipSync({ 'a.png': new Uint8Array(1), 'b.png': new Uint8Array(1), 'c.png': new Uint8Array(1) });
    expect(() => listZipImages(many, 'many.zip', { ...defaultZipLimits, maxEntries: 2 })).toThrow(/over 2 entries/);
    expect(() => listZipImages(many.subarray(0, many.length - 30), 'cut.zip')).toThrow(MediaError);
    expect(() => listZipImages(zipSync({ 'readme.txt': new Uint8Array(3) }), 'text.zip')).toThrow(/no PNG, JPEG or WebP/);
  });
});

describe('image files', () => {
  it('refuses a 20000x20000 image from its header, before decoding', async () => {
    await expect(readImageChecked(pngHeaderOnly(20000, 20000), 'huge.png')).rejects.toThrow(/20000x20000, over the limit/);
  });

  it('refuses corrupt, truncated and non-image files with the file name', async () => {
    const png = await encodePng({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).map((_, i) => (i * 7) % 251) });
    await expect(readImageChecked(png.subarray(0, png.length / 2), 'cut.png')).rejects.toThrow(/"cut.png" is damaged/);
    await expect(readImageChecked(Buffer.from('hello, not an image'), 'notes.txt')).rejects.toThrow(/"notes.txt" is not a readable image/);
  });
});
