// `lvcd serve` and `lvcd worker` processes for the scale-out benchmarks, and the requests they make to them.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './ports.mjs';
import { ROOT } from './studio.mjs';

/**
 * A child `lvcd` process whose output is kept (the last lines are shown if it fails). `prefix` goes before
 * node on the command line, e.g. `['taskset', '-c', '0']` to pin it (and the child it forks) to one core.
 */
export function startLvcd(args, env, prefix = []) {
  const command = [...prefix, process.execPath, join(ROOT, 'bin/lvcd.mjs'), ...args];
  const child = spawn(command[0], command.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const listeners = new Set();
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      lines.push(line);
      if (lines.length > 40) lines.shift();
      for (const l of listeners) l(line);
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((r) => child.once('exit', r));
  return {
    child,
    tail: () => lines.join('\n'),
    /** Until a line matches, or the process exits. */
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`lvcd ${args[0]}: no ${pattern} within ${timeoutMs} ms\n${lines.join('\n')}`)), timeoutMs);
        const listener = (line) => pattern.test(line) && (clearTimeout(timer), listeners.delete(listener), resolve());
        listeners.add(listener);
        void exited.then(() => (clearTimeout(timer), reject(new Error(`lvcd ${args[0]} exited\n${lines.join('\n')}`))));
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `lvcd serve` on a free loopback port; resolves once /api/health answers. */
export async function startApi(env) {
  const port = await freePort();
  const cli = startLvcd(['serve', '--port', String(port)], env);
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 120_000;
  while (!(await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false))) {
    if (cli.child.exitCode !== null || Date.now() > end) throw new Error(`lvcd serve did not answer on ${url}\n${cli.tail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, cli };
}

/** A request that fails after a minute instead of hanging the bench on a server that stopped answering. */
export async function json(url, init) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  const body = await res.json();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Until every API instance sees exactly `count` ready workers (a stopped worker's heartbeat must have lapsed). */
export async function waitForWorkers(apis, count) {
  const end = Date.now() + 60_000;
  for (;;) {
    const seen = await Promise.all(apis.map(async (a) => (await json(`${a.url}/api/workers`)).filter((w) => w.state === 'ready').length));
    if (seen.every((n) => n === count)) return;
    if (Date.now() > end) throw new Error(`API instances see ${seen.join(', ')} ready workers, not ${count}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
