#!/usr/bin/env node
// `npm start`: installs what is missing, builds, and serves the studio on 127.0.0.1 with its embedded defaults
// (a SQLite file in .data/, demo clips the studio generates itself), queueing the demo workflow once on first start.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root, setup } from './setup.mjs';

try {
  setup();
} catch (e) {
  console.error(`[start] setup failed: ${e.message}`);
  process.exit(1);
}

const server = spawn(process.execPath, [join(root, 'bin', 'lvcd.mjs'), 'serve', '--run-demo', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
