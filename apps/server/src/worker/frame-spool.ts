import { mkdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FramePayload } from '../runs/run-scheduler.js';
import type { FramePacker } from './execute-job.js';

/** Frames up to this size travel inside the worker's message; a 576x320 PNG preview does not. */
export const INLINE_FRAME_BYTES = 64 * 1024;

const SPOOLED_NAME = /^[0-9a-f-]{36}\/\d+\.frame$/;

/**
 * Frame previews too large for a message, as files `<spool>/<runId>/<n>.frame` in the data dir: the worker
 * writes each one, the API reads it once, sends it and removes it.
 */
export class FrameSpool {
  constructor(
    readonly dir: string,
    private readonly inlineBytes = INLINE_FRAME_BYTES,
  ) {}

  /**
   * The worker's packer for one run. It writes synchronously: the executor reports events synchronously, and
   * the file must exist before the event that names it is sent.
   */
  packer(runId: string): FramePacker {
    let count = 0;
    let made = false;
    return (data: Uint8Array): FramePayload => {
      if (data.byteLength <= this.inlineBytes) return { data };
      if (!made) mkdirSync(join(this.dir, runId), { recursive: true });
      made = true;
      const name = `${runId}/${count++}.frame`;
      writeFileSync(join(this.dir, name), data);
      return { spooled: name };
    };
  }

  /** Reads a spooled frame and removes it; the name must be one a packer made. */
  async take(name: string): Promise<Buffer> {
    if (!SPOOLED_NAME.test(name)) throw new Error(`"${name}" is not a spooled frame name`);
    const file = join(this.dir, name);
    const data = await readFile(file);
    await unlink(file);
    return data;
  }

  /** Removes what a run left (frames of a run whose worker died before they were sent). */
  async clear(runId: string): Promise<void> {
    await rm(join(this.dir, runId), { recursive: true, force: true });
  }

  /** Removes what ended runs left, keeping the frames of runs still executing (on workers of other processes). */
  async clearAllBut(running: ReadonlySet<string>): Promise<void> {
    const entries = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(entries.filter((name) => !running.has(name)).map((name) => rm(join(this.dir, name), { recursive: true, force: true })));
  }
}
