import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './ports.js';
import { removeDir, tempDir } from './server.js';

export interface RedisServer {
  url: string;
  /** Stops it as a crash would (SIGKILL) and starts it again on the same port and files. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A private redis-server on a free loopback port with its own files in a temp dir, the append-only file on
 * (every write fsynced), so a restart loses nothing that was acknowledged. scripts/setup.mjs installs it.
 */
export async function startRedis(): Promise<RedisServer> {
  const dir = await tempDir('lvcd-redis-');
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--protected-mode', 'no'];
    const started = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child = started;
    await waitForPing(port, started);
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      await kill();
      await removeDir(dir);
    },
  };
}

/** Until the server answers PING (it loads its append-only file first). */
async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const end = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (await pings(port)) return;
    if (Date.now() > end) throw new Error(`redis-server on port ${port} did not answer within 20 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}
