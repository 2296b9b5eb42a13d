import { defineNode } from '../../runtime/define-node.js';
import { embedWorkflowInPng, framePath } from '@lvcd/media';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfCancelled } from '../../runtime/node-type.js';

export const previewFrames = defineNode({
  type: 'output/preview',
  title: 'Preview Frames',
  category: 'output',
  description: 'Shows frames of a sequence in the editor (evenly spaced, at most the count given) without saving a video. Each preview PNG carries the workflow, as saved ones do.',
  version: 2,
  roles: ['frames-output'],
  isOutput: true,
  inputs: [{ name: 'frames', type: 'FRAMES' }],
  outputs: [],
  params: [{ name: 'count', label: 'Frames shown', description: 'Most frames shown, spaced evenly from the first frame to the last.', schema: { kind: 'integer', default: 8, min: 1, max: 64 } }],
  async execute(ctx) {
    const input = ctx.inputs.frames;
    const shown = Math.min(input.count, ctx.params.count);
    for (let k = 0; k < shown; k++) {
      throwIfCancelled(ctx.signal);
      const index = shown === 1 ? 0 : Math.round((k * (input.count - 1)) / (shown - 1));
      const name = `preview_${String(index).padStart(6, '0')}.png`;
      const file = join(ctx.outDir, name);
      // Kept as artefacts (not only pushed) so a cached run still shows them; each carries the workflow, as saved
      // PNGs do, so a preview dropped on the editor (or downloaded from the gallery) restores it.
      const png = embedWorkflowInPng(await readFile(framePath(input.dir, index)), ctx.workflow);
      await writeFile(file, png);
      ctx.frame({ output: 'frames', index, count: input.count, width: input.width, height: input.height, mime: 'image/png', data: png });
      ctx.artifact({ file, name, mime: 'image/png', kind: 'image', meta: { index, width: input.width, height: input.height } });
    }
    return {};
  },
});
