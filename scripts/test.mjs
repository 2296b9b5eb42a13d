#!/usr/bin/env node
// `npm test`: installs what is missing, builds, then runs every suite (unit, integration, e2e in Chromium)
// one after the other and closes with one line that counts them all. Lint and type checks run first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { installEnv, root, setup } from './setup.mjs';

/** In dependency order, e2e last: a broken lib fails fast. */
const SUITES = ['libs/media', 'libs/models', 'libs/nodes', 'apps/server', 'apps/editor', 'e2e'];

try {
  setup({ browser: true, services: true });
} catch (e) {
  console.error(`[test] setup failed: ${e.message}`);
  process.exit(1);
}

const reports = join(root, '.vitest-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

let passed = 0;
let failed = 0;
const broken = [];

// Guardrails first: the dependency rules (lint) and the types of every file, specs included.
for (const [name, args] of [
  ['lint', ['eslint', '--max-warnings', '0', '.']],
  ['typecheck', ['nx', 'run-many', '-t', 'typecheck', '--outputStyle=static', '--parallel=1']],
]) {
  console.log(`\n[test] ${name}`);
  const result = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: installEnv });
  if (result.status !== 0) broken.push(name);
}

for (const suite of SUITES) {
  if (!existsSync(join(root, suite, 'package.json'))) continue;
  const report = join(reports, `${suite.replace('/', '-')}.json`);
  console.log(`\n[test] ${suite}`);
  const result = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
    cwd: join(root, suite),
    stdio: 'inherit',
    env: installEnv,
  });
  let counts = { numPassedTests: 0, numFailedTests: 0, numTotalTests: 0 };
  if (existsSync(report)) counts = JSON.parse(readFileSync(report, 'utf8'));
  passed += counts.numPassedTests;
  failed += counts.numFailedTests;
  if (result.status !== 0 || counts.numFailedTests > 0 || counts.numTotalTests === 0) broken.push(suite);
}

console.log(`\n[test] suites with failures: ${broken.length ? broken.join(', ') : 'none'}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(broken.length === 0 ? 0 : 1);
