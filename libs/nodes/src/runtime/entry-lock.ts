import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
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

/**
 * Whether a lock file exists and its holder may still hold it: refreshed recently, and, when the holder is on
 * this machine, still alive (a killed worker's lock is broken at once rather than after the stale period).
 */
export async function isLive(file: string): Promise<boolean> {
  try {
    if (Date.now() - (await stat(file)).mtimeMs >= STALE_LOCK_MS) return false;
    const holder = JSON.parse(await readFile(file, 'utf8')) as { host?: unknown; pid?: unknown };
    return !(holder.host === hostname() && typeof holder.pid === 'number' && !processExists(holder.pid));
  } catch (e) {
    // Gone, or caught between its creation and its first write (then it is being taken: live).
    return e instanceof SyntaxError;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
