import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError, type ExecuteContext } from '../../runtime/node-type.js';
import type { ImageValue } from '../../runtime/values.js';
import { gradientPng, withTempDir } from '../../testing/fixtures.js';
import { emptyWorkflow } from '../../workflow.js';
import { createBuiltinRegistry } from '../index.js';
import { delay } from './delay.js';

interface Progress {
  value: number;
  max: number;
}

/** Runs Delay on a gradient PNG written to `dir`, as the executor would: its own output folder, a signal, progress. */
async function runDelay(dir: string, ms: number, signal: AbortSignal, progress: Progress[] = []) {
  const input: ImageValue = { kind: 'image', file: join(dir, 'in', 'image.png'), width: 16, height: 8 };
  await mkdir(join(dir, 'in'), { recursive: true });
  await writeFile(input.file, await gradientPng(16, 8));
  const outDir = join(dir, 'out');
  await mkdir(outDir, { recursive: true });
  const ctx: ExecuteContext = {
    nodeId: 'delay', params: { ms }, inputs: { image: input }, outDir, signal,
    progress: (value, max) => void progress.push({ value, max }), frame: () => undefined, artifact: () => undefined,
    assets: { pathOf: () => '', info: () => undefined }, modelsDir: dir, workflow: emptyWorkflow('test'),
  };
  return { input, outputs: await delay.execute(ctx) };
}

describe('Delay', () => {
  it('is in the catalogue', () => {
    expect(createBuiltinRegistry().get('utility/delay')).toBe(delay);
  });

  it('passes its image through unchanged, in its own folder, after the wait, reporting progress up to the end', async () => {
    await withTempDir(async (dir) => {
      const progress: Progress[] = [];
      const started = performance.now();
      const { input, outputs } = await runDelay(dir, 600, new AbortController().signal, progress);
      expect(performance.now() - started).toBeGreaterThanOrEqual(595);
      const image = outputs.image as ImageValue;
      expect(image).toMatchObject({ kind: 'image', width: input.width, height: input.height });
      expect(image.file.startsWith(join(dir, 'out'))).toBe(true);
      expect(await readFile(image.file)).toEqual(await readFile(input.file));
      // One report per 250 ms tick at least, rising, the last one at the full wait.
      expect(progress.length).toBeGreaterThanOrEqual(3);
      expect(progress.map((p) => p.value)).toEqual([...progress.map((p) => p.value)].sort((a, b) => a - b));
      expect(progress.at(-1)).toEqual({ value: 600, max: 600 });
    });
  });

  it('stops within 50 ms of a cancel, mid-wait', async () => {
    await withTempDir(async (dir) => {
      const controller = new AbortController();
      const pending = runDelay(dir, 60_000, controller.signal);
      await new Promise((r) => setTimeout(r, 100));
      const cancelled = performance.now();
      controller.abort();
      await expect(pending).rejects.toBeInstanceOf(CancelledError);
      expect(performance.now() - cancelled).toBeLessThan(50);
    });
  });

  it('does not start waiting when the run is already cancelled', async () => {
    await withTempDir(async (dir) => {
      const controller = new AbortController();
      controller.abort();
      const started = performance.now();
      await expect(runDelay(dir, 60_000, controller.signal)).rejects.toBeInstanceOf(CancelledError);
      expect(performance.now() - started).toBeLessThan(1000);
    });
  });
});
