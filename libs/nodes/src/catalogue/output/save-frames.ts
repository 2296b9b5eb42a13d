import { defineNode } from '../../runtime/define-node.js';
import { embedWorkflowInPng, framePath, workflowToAsciiJson, ZipFileWriter } from '@lvcd/media';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfCancelled } from '../../runtime/node-type.js';
import { safeFileBase } from './output-name.js';

export const saveFrames = defineNode({
  type: 'output/save-frames',
  title: 'Save Frames',
  category: 'output',
  description: 'Keeps a frame sequence as a zip of PNGs named by frame index from 0, as every input counts frames (0000.png is frame 0), which Load Frames reads back in the same order. Every PNG carries the workflow, so any frame dropped on the editor restores it.',
  // 2: files are numbered from 0 (were from 1), so zips cached by version 1 are not reused.
  version: 2,
  roles: ['frames-output'],
  isOutput: true,
  inputs: [{ name: 'frames', type: 'FRAMES' }],
  outputs: [],
  params: [{ name: 'name', label: 'File name', description: 'Base name of the saved zip, without the .zip extension; characters other than letters, digits, dots and dashes become _.', schema: { kind: 'string', default: 'frames', maxLength: 80 } }],
  async execute(ctx) {
    const input = ctx.inputs.frames;
    const name = `${safeFileBase(ctx.params.name, 'frames')}.zip`;
    const file = join(ctx.outDir, name);
    const zip = await ZipFileWriter.create(file);
    const digits = Math.max(4, String(input.count).length);
    try {
      for (let i = 0; i < input.count; i++) {
        throwIfCancelled(ctx.signal);
        const png = embedWorkflowInPng(await readFile(framePath(input.dir, i)), ctx.workflow);
        await zip.add(`${String(i).padStart(digits, '0')}.png`, png);
        ctx.progress(i + 1, input.count);
      }
      await zip.add('workflow.json', Buffer.from(workflowToAsciiJson(ctx.workflow)));
    } finally {
      await zip.finish();
    }
    ctx.artifact({ file, name, mime: 'application/zip', kind: 'zip', meta: { frames: input.count, width: input.width, height: input.height, fps: input.fps } });
    return {};
  },
});
