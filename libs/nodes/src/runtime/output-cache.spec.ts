import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '../testing/fixtures.js';
import { STALE_LOCK_MS } from './entry-lock.js';
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

  it('between processes sharing the folder: one produces an entry, the other waits for it, and a prune leaves it alone', async () => {
    await withTempDir(async (dir) => {
      // Two instances have separate in-process bookkeeping, as two worker processes do: only the folder is shared.
      const first = new OutputCache(join(dir, 'cache'), 0);
      const second = new OutputCache(join(dir, 'cache'), 0);
      let produced = 0;
      let finish!: () => void;
      const gate = new Promise<void>((resolve) => (finish = resolve));
      const slow = first.produce('k', async (entry) => {
        produced++;
        await writeFile(join(entry, 'data.bin'), 'first');
        await gate;
        return { outputs: {}, artifacts: [] };
      });
      await new Promise((r) => setTimeout(r, 50));
      // Mid-production the entry has no result yet; a prune elsewhere must not take it for a crash's leftovers.
      await second.prune();
      const waiting = second.produce('k', async () => {
        produced++;
        return { outputs: {}, artifacts: [] };
      });
      await new Promise((r) => setTimeout(r, 250));
      finish();
      await Promise.all([slow, waiting]);
      expect(produced).toBe(1);
      expect(await readFile(join(dir, 'cache', 'k', 'data.bin'), 'utf8')).toBe('first');
      expect(await readdir(join(dir, 'cache'))).toEqual(['k']);
    });
  });

  it('breaks the lock of a producer that died (not refreshed for the stale period)', async () => {
    await withTempDir(async (dir) => {
      const cache = new OutputCache(join(dir, 'cache'), 0);
      await mkdir(join(dir, 'cache'), { recursive: true });
      const lock = join(dir, 'cache', 'k.lock');
      await writeFile(lock, '{}');
      const old = new Date(Date.now() - STALE_LOCK_MS - 1000);
      await utimes(lock, old, old);
      const result = await produceBytes(cache, 'k', 10);
      expect(result.bytes).toBe(10);
    });
  });

  it('breaks at once the lock of a producer on this machine whose process is gone', async () => {
    await withTempDir(async (dir) => {
      const cache = new OutputCache(join(dir, 'cache'), 0);
      await mkdir(join(dir, 'cache'), { recursive: true });
      // A pid no process has: spawned and reaped.
      const child = spawn(process.execPath, ['-e', '0']);
      await new Promise((resolve) => child.once('exit', resolve));
      await writeFile(join(dir, 'cache', 'k.lock'), JSON.stringify({ host: hostname(), pid: child.pid, at: new Date().toISOString() }));
      const started = Date.now();
      await produceBytes(cache, 'k', 10);
      expect(Date.now() - started).toBeLessThan(STALE_LOCK_MS / 2);
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
