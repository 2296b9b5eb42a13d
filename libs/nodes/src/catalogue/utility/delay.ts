import { copyFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineNode } from '../../runtime/define-node.js';
import { CancelledError, throwIfCancelled } from '../../runtime/node-type.js';

/** Longest wait: ten minutes is enough to hold a worker busy while a test or benchmark watches it. */
const MAX_MS = 600_000;
/** How often the wait reports progress: often enough for a smooth bar, rare enough not to flood the events. */
const TICK_MS = 250;

export const delay = defineNode({
  type: 'utility/delay',
  title: 'Delay',
  category: 'utility',
  description: 'Passes its image through unchanged after waiting, using no CPU meanwhile: to try queues, workers and cancel without heavy nodes.',
  version: 1,
  inputs: [{ name: 'image', type: 'IMAGE' }],
  outputs: [{ name: 'image', type: 'IMAGE' }],
  params: [{ name: 'ms', label: 'Wait (ms)', description: `How long to wait before passing the image on, in milliseconds (0 to ${MAX_MS}); a cancel ends the wait at once.`, schema: { kind: 'integer', default: 1000, min: 0, max: MAX_MS } }],
  async execute(ctx) {
    const total = ctx.params.ms;
    const started = performance.now();
    for (let waited = 0; waited < total; waited = performance.now() - started) {
      throwIfCancelled(ctx.signal);
      try {
        await sleep(Math.min(TICK_MS, total - waited), undefined, { signal: ctx.signal });
      } catch (e) {
        // The timer rejects with an AbortError when the run is cancelled: the executor expects its own error.
        if (ctx.signal.aborted) throw new CancelledError();
        throw e;
      }
      ctx.progress(Math.min(total, Math.round(performance.now() - started)), total, 'waiting');
    }
    throwIfCancelled(ctx.signal);
    // A copy in its own folder: the output must not point into another node's cache entry, which may be evicted first.
    const input = ctx.inputs.image;
    const file = join(ctx.outDir, basename(input.file));
    await copyFile(input.file, file);
    return { image: { kind: 'image' as const, file, width: input.width, height: input.height } };
  },
});
