// A private, throwaway PostgreSQL for benchmarks: initdb into a temp dir, a server on a free loopback port,
// durability off (the data dies with the bench). As root it runs as the `postgres` user (Postgres refuses root).
// The JS twin of apps/server/test/support/postgres.ts, which the bench cannot import (TypeScript).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.mjs';

const run = promisify(execFile);
const USER = 'lvcd';

/** Starts the server; resolves with a URL to a fresh database on it and a stop function. */
export async function startPostgres() {
  const versions = readdirSync('/usr/lib/postgresql', { throwIfNoEntry: false }) ?? [];
  const newest = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('no PostgreSQL server in /usr/lib/postgresql: install the Debian package postgresql');
  const bin = join('/usr/lib/postgresql', newest, 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'lvcd-bench-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? await Promise.all(['-u', '-g'].map(async (f) => Number((await run('id', [f, 'postgres'])).stdout.trim()))) : undefined;
  const adopt = (path) => ids && chownSync(path, ids[0], ids[1]);
  const as = (command, args) => (asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args));
  try {
    adopt(dir);
    writeFileSync(join(dir, 'password'), password, { mode: 0o600 });
    adopt(join(dir, 'password'));
    await as(join(bin, 'initdb'), ['-D', data, '-U', USER, `--pwfile=${join(dir, 'password')}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    const port = await freePort();
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await as(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-o', settings, '-w', '-t', '60', 'start']);
    const url = (database) => `postgres://${USER}:${password}@127.0.0.1:${port}/${database}`;
    await run(join(bin, 'psql'), ['-q', '-v', 'ON_ERROR_STOP=1', '-d', url('postgres'), '-c', 'CREATE DATABASE lvcd_bench']);
    return {
      url: url('lvcd_bench'),
      async stop() {
        await as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
