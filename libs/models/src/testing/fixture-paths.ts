import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the clone), found from this file's location. */
export const studioRepoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The shared tiny LVCD fixtures (checkpoints, goldens, key listings). They live beside the
 * clone in `shared/` and are used in place, never copied; `LVCD_SHARED_DIR` overrides the
 * location of `shared/`.
 */
export function lvcdTinyFixturesDir(): string {
  const shared = process.env['LVCD_SHARED_DIR'] ?? path.resolve(studioRepoRoot, '../shared');
  return path.join(shared, 'fixtures/lvcd-tiny');
}
