import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/config/data-paths.js';
import { chain, png } from '../support/fixtures.js';
import { api, removeDir, tempDir, upload, waitForRun, type TestServer } from '../support/server.js';

const REPO = resolve(import.meta.dirname, '../../../..');
const BIN = join(REPO, 'bin/lvcd.mjs');
/** Enough 800x800 inversions that the run is surely mid-way when killed, few enough to re-run in seconds. */
const SLOW_INVERTS = 40;

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** `lvcd serve` as a child process, as users run it; resolves once /api/health answers. */
async function serve(dataDir: string, port: number): Promise<{ child: ChildProcess; server: TestServer; log: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, LVCD_AUTH_TOKEN: '', LVCD_PASSWORD: '' };
  delete env.LVCD_HOST;
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data-dir', dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const server = { url, dataDir } as TestServer;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`lvcd serve exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return { child, server, log: () => out };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`lvcd serve did not answer within 30 s:\n${out}`);
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

function integrityCheck(file: string): Promise<string> {
  return new Promise((ok, fail) => {
    const db = new sqlite3.Database(file, (e) => e && fail(e));
    db.all('PRAGMA integrity_check', (e, rows: { integrity_check: string }[]) => {
      db.close();
      if (e) fail(e);
      else ok(rows.map((r) => r.integrity_check).join('; '));
    });
  });
}

let dataDir: string | undefined;
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (dataDir) await removeDir(dataDir);
});

describe('crash safety', () => {
  it('survives SIGKILL mid-run: saved workflows and artefacts intact, the run interrupted and re-queueable, the database ok', async () => {
    if (!existsSync(join(REPO, 'apps/server/dist/cli/main.js'))) throw new Error('build the server first: npx tsc -p apps/server/tsconfig.json');
    dataDir = await tempDir('lvcd-crash-');
    const port = await freePort();
    const first = await serve(dataDir, port);
    children.push(first.child);
    const s = first.server;

    // Saved workflows, one with two versions.
    const fast = (await upload(s, await png(6, 6, 21), 'fast.png')).body.id;
    const slow = (await upload(s, await png(800, 800, 22), 'slow.png')).body.id;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api(s, 'POST', '/api/workflows', { name: `wf ${i}`, document: chain(fast, i, `wf${i}`) })).body.id);
    expect((await api(s, 'PUT', `/api/workflows/${ids[0]}`, { name: 'wf 0 v2', document: chain(fast, 2, 'wf0v2') })).status).toBe(200);
    const snapshot = async (server: TestServer) => {
      const hashes: Record<string, string> = {};
      for (const id of ids) {
        for (const path of [`/api/workflows/${id}`, `/api/workflows/${id}/versions`, `/api/workflows/${id}/versions/1`]) {
          hashes[path] = sha256(await (await fetch(`${server.url}${path}`)).text());
        }
      }
      return hashes;
    };
    const before = await snapshot(s);

    // One finished run with its artefact on disk.
    const done = await waitForRun(s, (await api(s, 'POST', '/api/runs', { document: chain(fast, 1, 'finished') })).body.id);
    expect(done.status).toBe('succeeded');
    const artifact = done.artifacts[0];
    const artifactBytes = sha256(new Uint8Array(await (await fetch(`${s.url}/api/artifacts/${artifact.id}`)).arrayBuffer()));
    const artifactFile = join(dataPaths(dataDir).runs, done.id, `${artifact.id}.png`);
    expect(sha256(await readFile(artifactFile))).toBe(artifactBytes);

    // A slow run, killed once a few of its nodes are done.
    const slowRun = (await api(s, 'POST', '/api/runs', { document: chain(slow, SLOW_INVERTS, 'slow') })).body.id;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const run = (await api(s, 'GET', `/api/runs/${slowRun}`)).body;
      const finishedNodes = Object.values(run.nodes as Record<string, { status: string }>).filter((n) => n.status === 'done').length;
      if (run.status === 'running' && finishedNodes >= 3) break;
      expect(run.status, 'the slow run ended before it could be killed').toMatch(/queued|running/);
      if (Date.now() > deadline) throw new Error('the slow run never got going');
      await new Promise((r) => setTimeout(r, 20));
    }
    const workerPid = (await api(s, 'GET', '/api/health')).body.workers[0].pid as number;
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');
    // Its run worker goes with it instead of running on, orphaned, into the next server's data.
    const gone = Date.now() + 5000;
    while (existsSync(`/proc/${workerPid}`) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(`/proc/${workerPid}`), `worker ${workerPid} outlived its server`).toBe(false);
    expect(await integrityCheck(dataPaths(dataDir).database)).toBe('ok');

    // Restart on the same folder and port.
    const second = await serve(dataDir, port);
    children.push(second.child);
    const t = second.server;
    expect(await snapshot(t)).toEqual(before);
    expect(sha256(new Uint8Array(await (await fetch(`${t.url}/api/artifacts/${artifact.id}`)).arrayBuffer()))).toBe(artifactBytes);
    expect(sha256(await readFile(artifactFile))).toBe(artifactBytes);
    const interrupted = (await api(t, 'GET', `/api/runs/${slowRun}`)).body;
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error.message).toMatch(/the server stopped during this run; re-queue it/);

    const again = await api(t, 'POST', `/api/runs/${slowRun}/requeue`);
    expect(again.status).toBe(202);
    const rerun = await waitForRun(t, again.body.id, 90_000);
    expect(rerun.status).toBe('succeeded');
    // Its image, then its reproducibility record.
    expect(rerun.artifacts.map((a: { mime: string; name: string }) => a.name === 'run.json' || a.mime)).toEqual(['image/png', true]);
    expect((await fetch(`${t.url}/api/artifacts/${rerun.artifacts[0].id}`)).status).toBe(200);

    second.child.kill('SIGTERM');
    await exited(second.child);
    expect(await integrityCheck(dataPaths(dataDir).database)).toBe('ok');
  }, 120_000);
});
