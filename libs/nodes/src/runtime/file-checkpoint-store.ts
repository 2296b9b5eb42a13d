import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore } from './checkpoints.js';

/**
 * Checkpoints as files, `<dir>/<key>/<index>.bin`, in the data store every worker reaches. Each is written to a
 * temporary file, synced and renamed into place, so a process killed mid-write leaves no torn checkpoint (only
 * a temporary file, never read, that goes with its folder). Folders of executions that never finished (cancelled
 * and not run again) are evicted least recently written first once they pass the limit.
 */
export class FileCheckpointStore implements CheckpointStore {
  constructor(
    readonly dir: string,
    readonly limitBytes: number,
  ) {}

  async save(key: string, index: number, data: Uint8Array): Promise<void> {
    const folder = this.folder(key);
    await mkdir(folder, { recursive: true });
    const file = this.file(key, index);
    const temp = `${file}.${randomUUID()}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await this.prune(key);
  }

  async load(key: string, index: number): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.file(key, index));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async clear(key: string): Promise<void> {
    await rm(this.folder(key), { recursive: true, force: true });
  }

  /** Evicts other executions' folders, least recently written first, until all fit the limit. */
  private async prune(current: string): Promise<void> {
    const folders: { key: string; bytes: number; written: number }[] = [];
    for (const key of await readdir(this.dir)) {
      try {
        const files = await Promise.all((await readdir(this.folder(key))).map((name) => stat(join(this.folder(key), name))));
        folders.push({ key, bytes: files.reduce((n, f) => n + f.size, 0), written: Math.max(0, ...files.map((f) => f.mtimeMs)) });
      } catch {
        // Cleared or evicted by another process meanwhile: nothing to count.
      }
    }
    let total = folders.reduce((n, f) => n + f.bytes, 0);
    for (const f of folders.sort((a, b) => a.written - b.written)) {
      if (total <= this.limitBytes) break;
      if (f.key === current) continue;
      await this.clear(f.key);
      total -= f.bytes;
    }
  }

  private folder(key: string): string {
    // Keys are the executor's sha256 cache keys; anything else is a bug, and must not name a path.
    if (!/^[0-9a-f]{64}$/.test(key)) throw new RangeError(`not a cache key: ${key}`);
    return join(this.dir, key);
  }

  private file(key: string, index: number): string {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`checkpoint index must be a whole number >= 0, got ${index}`);
    return join(this.folder(key), `${index}.bin`);
  }
}
