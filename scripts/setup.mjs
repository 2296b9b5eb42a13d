#!/usr/bin/env node
// Brings a fresh clone to a runnable state: npm packages, the Debian packages the studio needs, and a build.
// Idempotent and quick when nothing is missing, so `npm start` and `npm test` can always call it first.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** onnxruntime-node's install script downloads CUDA libraries from outside; the studio installs the CUDA provider separately (README). */
export const installEnv = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', NX_NO_CLOUD: 'true', NX_DAEMON: 'false' };

function log(message) {
  console.log(`[setup] ${message}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: installEnv, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
}

function lockHash() {
  return createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
}

export function ensureNpmPackages() {
  const stamp = join(root, 'node_modules', '.lvcd-install');
  const hash = lockHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  log('installing npm packages (npm ci; the native SQLite driver builds from source, about a minute)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, hash);
}

function hasCommand(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * The PostgreSQL server's programs. Debian keeps them off PATH, in a folder per major version; `pg_ctlcluster`
 * and `psql` on PATH prove nothing, since they come with postgresql-common and the client.
 */
function hasPostgresServer() {
  const versions = '/usr/lib/postgresql';
  return existsSync(versions) && readdirSync(versions).some((v) => existsSync(join(versions, v, 'bin', 'initdb')));
}

/** Debian packages, each with how to tell it is installed: the name of a command it puts on PATH, or a check. */
export function ensureDebianPackages(packages) {
  const installed = (check) => (typeof check === 'string' ? hasCommand(check) : check());
  const missing = Object.entries(packages).filter(([, check]) => !installed(check)).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !hasCommand('apt-get')) {
    throw new Error(`missing system packages: ${missing.join(', ')}. Install them with: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(', ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { ...installEnv, DEBIAN_FRONTEND: 'noninteractive' } });
}

export function build() {
  log('building (nx, cached when nothing changed)');
  run('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static', '--parallel=1']);
}

/**
 * `browser`: Chromium for the e2e suite. `services`: the servers the scale-out tests start on loopback ports
 * of their own (a private Postgres cluster, Redis); the studio itself needs neither by default.
 */
export function setup({ browser = false, services = false } = {}) {
  ensureNpmPackages();
  ensureDebianPackages({
    ffmpeg: 'ffmpeg',
    ...(browser ? { chromium: 'chromium' } : {}),
    ...(services ? { postgresql: hasPostgresServer, 'redis-server': 'redis-server' } : {}),
  });
  build();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    setup({ browser: process.argv.includes('--browser'), services: process.argv.includes('--services') });
  } catch (e) {
    console.error(`[setup] ${e.message}`);
    process.exit(1);
  }
}
