import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../config/config.js';

/**
 * The compiled worker entry: next to this file when the server runs from dist/, and dist/ of the server
 * when it runs from source (the specs), since a forked process runs JavaScript only.
 */
export function workerEntry(): string {
  const sibling = fileURLToPath(new URL('./main.js', import.meta.url));
  if (existsSync(sibling)) return sibling;
  const compiled = resolve(REPO_ROOT, 'apps/server/dist/worker/main.js');
  if (!existsSync(compiled)) throw new Error(`the run worker is not built (${compiled} is missing): run \`npm run build\` in the repository root`);
  return compiled;
}
