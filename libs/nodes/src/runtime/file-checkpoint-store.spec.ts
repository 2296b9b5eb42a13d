import { readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '../testing/fixtures.js';
import { sha256 } from './hash.js';
import { FileCheckpointStore } from './file-checkpoint-store.js';

const [a, b] = [sha256('a'), sha256('b')];
const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

describe('FileCheckpointStore', () => {
  it('gives back what was saved, per key and index, and nothing once cleared', async () => {
    await withTempDir(async (dir) => {
      const store = new FileCheckpointStore(dir, 1e6);
      await store.save(a, 0, bytes(10, 1));
      await store.save(a, 1, bytes(12, 2));
      await store.save(a, 1, bytes(12, 3));
      expect(await store.load(a, 0)).toEqual(Buffer.from(bytes(10, 1)));
      expect(await store.load(a, 1)).toEqual(Buffer.from(bytes(12, 3)));
      expect(await store.load(a, 2)).toBeUndefined();
      expect(await store.load(b, 0)).toBeUndefined();
      expect(await readdir(join(dir, a))).toEqual(['0.bin', '1.bin']);
      await store.clear(a);
      expect(await store.load(a, 0)).toBeUndefined();
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('never reads what a process killed mid-write left (its temporary file)', async () => {
    await withTempDir(async (dir) => {
      const store = new FileCheckpointStore(dir, 1e6);
      await store.save(a, 0, bytes(10, 1));
      await writeFile(join(dir, a, '1.bin.5f0c.tmp'), bytes(3, 9));
      expect(await store.load(a, 1)).toBeUndefined();
      await store.clear(a);
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('evicts the least recently written other executions past its limit, never the one saving', async () => {
    await withTempDir(async (dir) => {
      const store = new FileCheckpointStore(dir, 100);
      await store.save(a, 0, bytes(60, 1));
      const old = new Date(Date.now() - 60_000);
      await utimes(join(dir, a, '0.bin'), old, old);
      await store.save(b, 0, bytes(60, 2));
      expect(await store.load(a, 0)).toBeUndefined();
      await store.save(b, 1, bytes(60, 3));
      expect((await store.load(b, 0))?.length).toBe(60);
      expect((await store.load(b, 1))?.length).toBe(60);
    });
  });

  it('refuses a key that is not a cache key, so none names a path', async () => {
    await withTempDir(async (dir) => {
      const store = new FileCheckpointStore(dir, 1e6);
      await expect(store.save('../escape', 0, bytes(1, 1))).rejects.toThrow(/not a cache key/);
      await expect(store.load(a, -1)).rejects.toThrow(/whole number/);
    });
  });
});
