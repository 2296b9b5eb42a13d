import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '../testing/fixtures.js';
import { OutputCache } from './output-cache.js';

function produceBytes(cache: OutputCache, key: string, bytes: number) {
  return cache.produce(key, async (dir) => {
    await writeFile(join(dir, 'data.bin'), Buffer.alloc(bytes));
    return { outputs: {}, artifacts: [] };
  });
}

describe('OutputCache', () => {
  it('evicts least recently used entries past the size limit and keeps pinned ones', async () => {
    await withTempDir(async (dir) => {
      const cache = new OutputCache(join(dir, 'cache'), 2500);
      for (const key of ['a', 'b', 'c']) {
        await produceBytes(cache, key, 1000);
        await new Promise((r) => setTimeout(r, 15));
      }
      await cache.get('a'); // a is now the most recently used
      const { evicted } = await cache.prune(new Set(['b']));
      expect(evicted).toBe(1);
      expect((await readdir(join(dir, 'cache'))).sort()).toEqual(['a', 'b']);
    });
  });

  it('produces a key once when two callers ask at the same time', async () => {
    await withTempDir(async (dir) => {
      const cache = new OutputCache(join(dir, 'cache'), 1e9);
      let calls = 0;
      const produce = () => cache.produce('k', async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 20));
        return { outputs: {}, artifacts: [] };
      });
      await Promise.all([produce(), produce()]);
      expect(calls).toBe(1);
    });
  });

  it('ignores and removes an entry a crash left without its result', async () => {
    await withTempDir(async (dir) => {
      const cache = new OutputCache(join(dir, 'cache'), 1e9);
      await mkdir(join(dir, 'cache', 'half'), { recursive: true });
      expect(await cache.get('half')).toBeUndefined();
      await cache.prune();
      expect(await readdir(join(dir, 'cache'))).toEqual([]);
    });
  });
});
