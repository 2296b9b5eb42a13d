import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { removeDir, tempDir } from './server.js';

const run = promisify(execFile);

export interface PostgresServer {
  /** The server's own `postgres` database, as the superuser (with its password). */
  url: string;
  /** A new empty database on this server, as a URL: one per test keeps tests apart without a new cluster. */
  createDatabase(): Promise<string>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

const USER = 'lvcd';

/**
 * A private, throwaway PostgreSQL cluster: initdb into a temp dir, a server on a free loopback port (no
 * system cluster, nothing under /etc), stopped and deleted by `stop()`. Durability is switched off, since
 * the data dies with the test. Postgres refuses to run as root, so as root it runs as the `postgres` user
 * the Debian package creates (scripts/setup.mjs installs it).
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = await postgresBin();
  const dir = await tempDir('lvcd-pg-');
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const asOwner = await ownerOf(dir);
  try {
    await writeFile(join(dir, 'password'), password, { mode: 0o600 });
    await asOwner.adopt(join(dir, 'password'));
    await asOwner.run(join(bin, 'initdb'), ['-D', data, '-U', USER, `--pwfile=${join(dir, 'password')}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    const port = await freePort();
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await asOwner.run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-o', settings, '-w', '-t', '60', 'start']).catch(async (e: unknown) => {
      const log = await readFile(join(dir, 'log'), 'utf8').catch(() => '');
      throw new Error(`postgres did not start: ${e instanceof Error ? e.message : String(e)}\n${log.slice(-2000)}`);
    });
    const url = (database: string) => `postgres://${USER}:${password}@127.0.0.1:${port}/${database}`;
    let databases = 0;
    return {
      url: url('postgres'),
      async createDatabase() {
        const name = `lvcd_test_${++databases}`;
        await run(join(bin, 'psql'), ['-q', '-v', 'ON_ERROR_STOP=1', '-d', url('postgres'), '-c', `CREATE DATABASE "${name}"`]);
        return url(name);
      },
      async stop() {
        // Immediate: nothing here is worth a checkpoint.
        await asOwner.run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
        await removeDir(dir);
      },
    };
  } catch (e) {
    await removeDir(dir);
    throw e;
  }
}

/** The newest installed server's programs (Debian keeps each major version in its own folder). */
async function postgresBin(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = await readdir(root).catch(() => [] as string[]);
  const newest = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`no PostgreSQL server in ${root}: install the Debian package postgresql (npm test's setup does)`);
  return join(root, newest, 'bin');
}

interface Owner {
  /** Hands a file to the user the server runs as. */
  adopt(path: string): Promise<void>;
  run(command: string, args: string[]): Promise<void>;
}

async function ownerOf(dir: string): Promise<Owner> {
  if (process.getuid?.() !== 0) return { adopt: async () => undefined, run: async (command, args) => void (await run(command, args)) };
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]).then((ids) => ids.map((r) => Number(r.stdout.trim())));
  if (uid === undefined || gid === undefined) throw new Error('no postgres user');
  const adopt = (path: string) => chown(path, uid, gid);
  await adopt(dir);
  return { adopt, run: async (command, args) => void (await run('runuser', ['-u', 'postgres', '--', command, ...args])) };
}
