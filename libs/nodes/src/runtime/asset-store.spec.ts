import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradientPng, withTempDir } from '../testing/fixtures.js';
import { AssetRejectedError, AssetStore, safeDisplayName } from './asset-store.js';

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

  it('makes display names safe', () => {
    expect(safeDisplayName('C:\\x\\..\\a\u0000b.png')).toBe('ab.png');
    expect(safeDisplayName('   ')).toBe('upload');
  });
});
