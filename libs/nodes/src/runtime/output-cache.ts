import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isLive, tryLock, type HeldLock } from './entry-lock.js';
import type { Artifact, Outputs } from './node-type.js';

export interface CachedResult {
  outputs: Outputs;
  artifacts: Artifact[];
  /** Bytes the entry takes on disk, for the size limit. */
  bytes: number;
}

const RESULT = 'result.json';
const LOCK = '.lock';
/** How often a process waiting for another's entry looks again. */
const WAIT_MS = 100;

/**
 * Where the executor keeps node outputs by content key. Nodes never see it (they write into the folder
 * `produce` hands them), so another backing store (an S3-compatible bucket mirrored to a local folder) can
 * replace the shared directory without touching a node.
 */
export interface OutputStore {
  get(key: string): Promise<CachedResult | undefined>;
  /** Runs `produce` for a key once across every process sharing the store; it writes into the folder it gets. */
  produce(key: string, produce: (dir: string) => Promise<Omit<CachedResult, 'bytes'>>): Promise<CachedResult>;
  /** Evicts least recently used entries past the store's limit; `keep` entries stay. */
  prune(keep?: ReadonlySet<string>): Promise<{ evicted: number; bytes: number }>;
}

/**
 * Node outputs on disk, one folder per cache key. An entry counts only once its result.json exists
 * (written last), so a crash mid-node leaves no half entry that looks complete. Least recently used
 * entries go first when the total passes the limit. Processes may share the folder (workers, machines on
 * one NAS): an entry being produced has a lock file next to it (`<key>.lock`), so another process waits
 * for it instead of producing it too, and a prune leaves it alone.
 */
export class OutputCache implements OutputStore {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    readonly dir: string,
    readonly limitBytes: number,
    /**
     * Entries used this recently stay through a prune. When processes share the folder, another one may be
     * about to read or link an entry (its in-use set is invisible here), so give them a grace period.
     */
    readonly recentMs = 0,
  ) {}

  entryDir(key: string): string {
    return join(this.dir, key);
  }

  private lockFile(key: string): string {
    return join(this.dir, key + LOCK);
  }

  async get(key: string): Promise<CachedResult | undefined> {
    const file = join(this.entryDir(key), RESULT);
    try {
      const result = JSON.parse(await readFile(file, 'utf8')) as CachedResult;
      const now = new Date();
      await utimes(file, now, now);
      return result;
    } catch {
      return undefined;
    }
  }

  /**
   * Runs `produce` for a key once at a time: a second caller of the same key waits for the first and
   * then finds its entry. `produce` gets an empty folder and returns the result to store.
   */
  async produce(key: string, produce: (dir: string) => Promise<Omit<CachedResult, 'bytes'>>): Promise<CachedResult> {
    while (this.inFlight.has(key)) await this.inFlight.get(key);
    // Claim the key before the first await, so a concurrent caller waits instead of producing too.
    let done!: () => void;
    this.inFlight.set(key, new Promise<void>((resolve) => (done = resolve)));
    const dir = this.entryDir(key);
    let lock: HeldLock | undefined;
    try {
      await mkdir(this.dir, { recursive: true });
      // Another process producing it holds the lock: wait for its entry rather than producing it too.
      while (!(lock = await tryLock(this.lockFile(key)))) {
        await new Promise((r) => setTimeout(r, WAIT_MS));
        const finished = await this.get(key);
        if (finished) return finished;
      }
      // Finished before we took the lock (here or in another process): nothing to produce.
      const existing = await this.get(key);
      if (existing) return existing;
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const partial = await produce(dir);
      const result: CachedResult = { ...partial, bytes: await folderBytes(dir) };
      await writeFile(join(dir, RESULT), JSON.stringify(result));
      return result;
    } catch (e) {
      if (lock) await rm(dir, { recursive: true, force: true });
      throw e;
    } finally {
      await lock?.release();
      this.inFlight.delete(key);
      done();
    }
  }

  /** Evicts least recently used entries until the cache fits its limit; `keep` entries stay. */
  async prune(keep: ReadonlySet<string> = new Set()): Promise<{ evicted: number; bytes: number }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return { evicted: 0, bytes: 0 };
    }
    const entries: { key: string; bytes: number; used: number }[] = [];
    const now = Date.now();
    for (const name of names) {
      if (name.endsWith(LOCK)) {
        if (!(await isLive(join(this.dir, name)))) await rm(join(this.dir, name), { force: true });
        continue;
      }
      const key = name;
      if (this.inFlight.has(key) || (await isLive(this.lockFile(key)))) continue;
      try {
        const file = join(this.entryDir(key), RESULT);
        const [info, text] = await Promise.all([stat(file), readFile(file, 'utf8')]);
        entries.push({ key, bytes: (JSON.parse(text) as CachedResult).bytes, used: info.mtimeMs });
      } catch {
        // An entry without a result is what a crash left behind: it never counts, so remove it.
        await rm(this.entryDir(key), { recursive: true, force: true });
      }
    }
    let total = entries.reduce((s, e) => s + e.bytes, 0);
    let evicted = 0;
    for (const e of entries.sort((a, b) => a.used - b.used)) {
      if (total <= this.limitBytes) break;
      if (keep.has(e.key) || now - e.used < this.recentMs) continue;
      await rm(this.entryDir(e.key), { recursive: true, force: true });
      total -= e.bytes;
      evicted++;
    }
    return { evicted, bytes: total };
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : (await stat(path)).size;
  }
  return total;
}
