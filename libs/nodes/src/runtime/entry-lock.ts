import { rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/** A lock not refreshed for this long belongs to a process that died: it may be broken. */
export const STALE_LOCK_MS = 30_000;
const REFRESH_MS = 5_000;

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * A lock between processes that share a folder (workers on one machine, or machines on one NAS): a file
 * created exclusively, its mtime refreshed while held, so a holder that was killed leaves a lock that
 * goes stale instead of one that blocks forever.
 */
export async function tryLock(file: string): Promise<HeldLock | undefined> {
  try {
    await writeFile(file, JSON.stringify({ host: hostname(), pid: process.pid, at: new Date().toISOString() }), { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    if (await isLive(file)) return undefined;
    // Stale: its holder is gone. Removing and retrying once lets exactly one contender win the new file.
    await rm(file, { force: true });
    return tryLock(file);
  }
  const timer = setInterval(() => {
    const now = new Date();
    void utimes(file, now, now).catch(() => undefined);
  }, REFRESH_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await rm(file, { force: true });
    },
  };
}

/** Whether a lock file exists and its holder refreshed it recently. */
export async function isLive(file: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs < STALE_LOCK_MS;
  } catch {
    return false;
  }
}
