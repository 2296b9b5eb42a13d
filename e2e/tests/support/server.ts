// Starts the real studio server (`lvcd serve`) on a free port with a throwaway data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');

export interface StudioServer {
  url: string;
  port: number;
  dataDir: string;
  log: () => string;
  stop: () => Promise<void>;
  /** Stops and starts the server on the same port and data dir (a restart the editor must survive). */
  restart: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not answer /api/health within 60 s:\n${output()}`);
}

/** `runDemo`: what `npm start` runs, `lvcd serve --run-demo` (the seeded demo, queued once more at each start). */
export async function startServer(options: { runDemo?: boolean } = {}): Promise<StudioServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'lvcd-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  let child: ChildProcess;

  async function launch(): Promise<void> {
    const args = ['bin/lvcd.mjs', 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, ...(options.runDemo ? ['--run-demo'] : [])];
    child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    await waitHealthy(url, child, () => out);
  }

  async function stop(): Promise<void> {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  await launch();
  return {
    url,
    port,
    dataDir,
    log: () => out,
    stop: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    restart: async () => {
      await stop();
      await launch();
    },
  };
}
