import { defineNode } from '../../runtime/define-node.js';
import { embedWorkflowInPng } from '@lvcd/media';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageValue } from '../../runtime/values.js';

export const saveImage = defineNode({
  type: 'image/save',
  title: 'Save Image',
  category: 'output',
  description: 'Keeps an image with the run as a PNG artefact and shows it. The PNG carries the workflow; drop it on the editor to restore it.',
  version: 2,
  isOutput: true,
  inputs: [{ name: 'image', type: 'IMAGE' }],
  outputs: [],
  params: [{ name: 'name', label: 'File name', description: 'Base name of the saved PNG, without the extension; characters other than letters, digits, dots and dashes become _.', schema: { kind: 'string', default: 'image', maxLength: 80 } }],
  async execute(ctx) {
    const input = ctx.inputs.image;
    const png = embedWorkflowInPng(await readFile(input.file), ctx.workflow);
    const name = `${String(ctx.params.name).replace(/[^\w.-]+/g, '_') || 'image'}.png`;
    const file = join(ctx.outDir, name);
    await writeFile(file, png);
    ctx.frame({ output: 'image', index: 0, count: 1, width: input.width, height: input.height, mime: 'image/png', data: png });
    ctx.artifact({ file, name, mime: 'image/png', kind: 'image', meta: { width: input.width, height: input.height } });
    return {};
  },
});
