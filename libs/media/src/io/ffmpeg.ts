import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { MediaError } from './media-error.js';

/**
 * Video goes through Debian's ffmpeg (`apt-get install ffmpeg`, done by the project's setup scripts), not
 * the ffmpeg-static npm package: ffmpeg-static downloads its binary from the network in an install script,
 * which fails on offline machines and is blocked by the workspace's allowScripts policy. LVCD_FFMPEG /
 * LVCD_FFPROBE override the paths.
 */
export function ffmpegPath(): string {
  return process.env.LVCD_FFMPEG ?? (existsSync('/usr/bin/ffmpeg') ? '/usr/bin/ffmpeg' : 'ffmpeg');
}

export function ffprobePath(): string {
  return process.env.LVCD_FFPROBE ?? (existsSync('/usr/bin/ffprobe') ? '/usr/bin/ffprobe' : 'ffprobe');
}

const MISSING_FIX = 'install ffmpeg (sudo apt-get install -y ffmpeg) or set LVCD_FFMPEG to its path';

/** Whether ffmpeg can be started here; video nodes fail with an install hint when it cannot. */
export function hasFfmpeg(): boolean {
  const path = ffmpegPath();
  return path.includes('/') ? existsSync(path) : true;
}

/** A running ffmpeg/ffprobe with the last few KB of its stderr kept for error messages. */
export interface Tool {
  proc: ChildProcess;
  stderr(): string;
  exited: Promise<number>;
}

export function startTool(path: string, args: readonly string[], signal?: AbortSignal): Tool {
  const proc = spawn(path, args, { stdio: ['pipe', 'pipe', 'pipe'], signal });
  let tail = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4096);
  });
  const exited = new Promise<number>((resolve, reject) => {
    proc.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new MediaError(`${path} is not installed`, MISSING_FIX));
      else if (e.name === 'AbortError') resolve(-1);
      else reject(e);
    });
    proc.on('close', (code) => resolve(code ?? -1));
  });
  // stdin errors (EPIPE when ffmpeg quits early) surface through the exit code and stderr instead.
  proc.stdin!.on('error', () => undefined);
  return { proc, exited, stderr: () => tail.trim() };
}

/** Runs a tool to the end and returns its stdout. */
export async function runTool(path: string, args: readonly string[], signal?: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  const tool = startTool(path, args, signal);
  tool.proc.stdin!.end();
  const chunks: Buffer[] = [];
  tool.proc.stdout!.on('data', (c: Buffer) => chunks.push(c));
  const code = await tool.exited;
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), stderr: tool.stderr() };
}

/** The last meaningful line of ffmpeg's stderr, for a one-line error message. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.pop() ?? 'no details').slice(0, 200);
}
