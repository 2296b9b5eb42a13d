import { readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Stamp whose mtime says when a sequence folder was last used: folders are pruned least recently used first. */
const USED_FILE = '.last-used';

/**
 * The folders of `<data>/compare-cache/` (one per video artefact split into PNG frames), bounded by their total
 * size: after each split, the least recently used folders go until the rest fit, except those in use (still being
 * written or open for frame requests). A pruned folder is split again on its next request.
 */
export class CompareCache {
  constructor(
    readonly root: string,
    readonly limitBytes: number,
  ) {}

  dirOf(artifactId: string): string {
    return join(this.root, artifactId);
  }

  /** Marks a sequence folder as used now. */
  async touch(artifactId: string): Promise<void> {
    const file = join(this.dirOf(artifactId), USED_FILE);
    const now = new Date();
    await utimes(file, now, now).catch(() => writeFile(file, '').catch(() => undefined));
  }

  /** Removes least recently used folders until the total fits the limit; returns the ids removed. */
  async prune(inUse: ReadonlySet<string>): Promise<string[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const folders = await Promise.all(names.map(async (name) => ({ name, ...(await this.measure(name)) })));
    let total = folders.reduce((sum, f) => sum + f.bytes, 0);
    const removed: string[] = [];
    for (const folder of folders.sort((a, b) => a.usedMs - b.usedMs)) {
      if (total <= this.limitBytes) break;
      if (inUse.has(folder.name)) continue;
      await rm(join(this.root, folder.name), { recursive: true, force: true });
      total -= folder.bytes;
      removed.push(folder.name);
    }
    return removed;
  }

  private async measure(name: string): Promise<{ bytes: number; usedMs: number }> {
    const dir = join(this.root, name);
    const files = await readdir(dir).catch(() => [] as string[]);
    const sizes = await Promise.all(files.map((f) => stat(join(dir, f)).then((s) => s.size, () => 0)));
    const used = await stat(join(dir, USED_FILE)).catch(() => stat(dir));
    return { bytes: sizes.reduce((a, b) => a + b, 0), usedMs: used.mtimeMs };
  }
}
