import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { describeStop } from '../src/worker/stop-reason.js';

const GIB = 1024 ** 3;
const where = 'while running node colorize (LVCD Colorize)';

/** The messages a run gets when its worker dies; the real SIGKILL and kill-after-cancel paths run in run-worker.spec. */
describe('why a worker stopped, in words', () => {
  it('says out of memory when V8 reported a full heap before the process died', () => {
    // A real Node process that runs out of its (small) heap, as a worker would.
    const oom = spawnSync(process.execPath, ['--max-old-space-size=16', '-e', 'const a = []; for (;;) a.push(new Array(1e5).fill(1));'], { encoding: 'utf8' });
    expect(oom.status === 0).toBe(false);
    expect(describeStop({ code: oom.status, signal: oom.signal, stderrTail: oom.stderr, where })).toBe(`the worker stopped: out of memory ${where} (its JavaScript heap was full)`);
  });

  it('says out of memory for a SIGKILL while the machine was nearly out of memory, with the figures', () => {
    const memory = { rssBytes: 21.3 * GIB, freeMemoryBytes: 0.2 * GIB, totalMemoryBytes: 23 * GIB };
    expect(describeStop({ code: null, signal: 'SIGKILL', stderrTail: '', where, memory })).toBe(
      `the worker stopped: out of memory ${where} (killed by SIGKILL with 0.2 GiB of 23.0 GiB free at its last report; it used 21.3 GiB)`,
    );
  });

  it('names the signal alone when memory was plentiful, and the exit code with the last stderr line otherwise', () => {
    const memory = { rssBytes: 0.4 * GIB, freeMemoryBytes: 12 * GIB, totalMemoryBytes: 23 * GIB };
    expect(describeStop({ code: null, signal: 'SIGKILL', stderrTail: '', where, memory })).toBe(`the worker stopped: killed by SIGKILL ${where}`);
    expect(describeStop({ code: 1, signal: null, stderrTail: 'warming up\nError: libonnxruntime.so.1: cannot open shared object file\n', where: 'while it was starting' })).toBe(
      'the worker stopped: exited with code 1 while it was starting (Error: libonnxruntime.so.1: cannot open shared object file)',
    );
  });

  it('gives the reason the server killed it before anything else', () => {
    const killedBecause = 'it was killed because run r1 did not stop within 10000 ms of its cancel';
    expect(describeStop({ code: null, signal: 'SIGKILL', stderrTail: '', where, killedBecause })).toBe(`the worker stopped: ${killedBecause}, ${where}`);
  });
});
