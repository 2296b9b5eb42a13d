import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '@lvcd/nodes';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../../../..');
const BIN = join(REPO, 'bin/lvcd.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** Everything printed so far. */
  readonly stdout: string;
  readonly stderr: string;
  done: Promise<CliResult>;
}

/** Starts the built `lvcd` in `cwd`, its default data dir inside it, so no spec touches the repository's .data. */
export function startLvcd(cwd: string, env: NodeJS.ProcessEnv, args: string[]): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, LVCD_DATA_DIR: join(cwd, 'default-data'), ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((ok, fail) => {
    child.on('error', fail);
    child.on('close', (code) => ok({ code, stdout, stderr }));
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    done,
  };
}

export function runLvcd(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  return startLvcd(cwd, env, args).done;
}

/** Resolves once `pattern` appears in the process's stdout. */
export async function waitForOutput(cli: CliProcess, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pattern.test(cli.stdout)) {
    if (Date.now() > end) throw new Error(`no ${pattern} within ${timeoutMs} ms; stdout: ${cli.stdout}\nstderr: ${cli.stderr}`);
    if (cli.child.exitCode !== null) throw new Error(`lvcd exited ${cli.child.exitCode} before printing ${pattern}; stdout: ${cli.stdout}\nstderr: ${cli.stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Load Frames → Save Frames: what goes in comes back out as a zip. */
export function copyClipWorkflow(): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    nodes: [
      { id: 'load', type: 'frames/load', params: { fps: 8 }, position: { x: 0, y: 0 } },
      { id: 'save', type: 'output/save-frames', params: { name: 'copy' }, position: { x: 300, y: 0 } },
    ],
    links: [{ from: { node: 'load', output: 'frames' }, to: { node: 'save', input: 'frames' } }],
    meta: { name: 'copy a clip' },
  };
}
