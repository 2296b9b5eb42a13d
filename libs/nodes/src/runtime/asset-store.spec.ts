import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradientPng, withTempDir } from '../testing/fixtures.js';
import { AssetRejectedError, AssetStore, safeDisplayName, sniffAsset } from './asset-store.js';

describe('AssetStore', () => {
  it('stores by content hash and sniffs the type from the bytes', async () => {
    await withTempDir(async (dir) => {
      const store = new AssetStore(join(dir, 'assets'));
      await store.init();
      const png = await gradientPng();
      const record = await store.put(png, '../../evil/name.jpg');
      expect(record).toMatchObject({ id: createHash('sha256').update(png).digest('hex'), kind: 'image', mime: 'image/png', name: 'name.jpg', size: png.length });
      expect(await readFile(store.pathOf(record.id))).toEqual(png);
      expect(store.exists(record.id)).toBe(true);
    });
  });

  it('refuses content it does not recognise and ids that are not hashes', async () => {
    await withTempDir(async (dir) => {
      const store = new AssetStore(join(dir, 'assets'));
      await store.init();
      await expect(store.put(Buffer.from('#!/bin/sh\nrm -rf /\n'), 'photo.png')).rejects.toBeInstanceOf(AssetRejectedError);
      expect(() => store.pathOf('../../etc/passwd')).toThrow(AssetRejectedError);
      expect(store.exists('../../etc/passwd')).toBe(false);
    });
  });

  it('tells mp4, mov and webm from other ISO-BMFF and Matroska files (HEIC, m4a, mkv are refused)', async () => {
    await withTempDir(async (dir) => {
      // Real files from ffmpeg, so the signatures are the ones users upload, not ones written for the test.
      const encode = async (name: string, args: string[]) => {
        const file = join(dir, name);
        execFileSync('ffmpeg', ['-v', 'error', '-y', ...args, file]);
        return readFile(file);
      };
      const video = ['-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=4:duration=0.5'];
      expect(await sniffAsset(await encode('a.mp4', video))).toEqual({ kind: 'video', mime: 'video/mp4' });
      expect(await sniffAsset(await encode('a.mov', video))).toEqual({ kind: 'video', mime: 'video/quicktime' });
      expect(await sniffAsset(await encode('a.webm', [...video, '-c:v', 'libvpx']))).toEqual({ kind: 'video', mime: 'video/webm' });
      expect(await sniffAsset(await encode('a.m4a', ['-f', 'lavfi', '-i', 'sine=duration=0.2', '-c:a', 'aac']))).toBeUndefined();
      expect(await sniffAsset(await encode('a.mkv', [...video, '-c:v', 'mpeg4']))).toBeUndefined();
      // ffmpeg writes no HEIC: the ftyp box an iPhone photo starts with.
      const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64)]);
      expect(await sniffAsset(heic)).toBeUndefined();
      const store = new AssetStore(join(dir, 'assets'));
      await store.init();
      await expect(store.put(heic, 'photo.mp4')).rejects.toThrow(/"photo.mp4" is not a PNG, JPEG, WebP, GIF, zip, mp4\/mov or webm file/);
    });
  });

  it('makes display names safe', () => {
    expect(safeDisplayName('C:\\x\\..\\a\u0000b.png')).toBe('ab.png');
    expect(safeDisplayName('   ')).toBe('upload');
  });
});
