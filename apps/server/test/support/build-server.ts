import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Runs execute in a forked worker, which runs the compiled server (dist/): build it first so the specs
 * exercise the worker of this source tree, not of an older build. Incremental, so a rebuild is quick.
 */
export default function buildServer(): void {
  const dir = resolve(import.meta.dirname, '../..');
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], { cwd: dir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`building apps/server failed (exit ${result.status}); the run worker needs dist/`);
}
