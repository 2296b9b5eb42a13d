import { generateDemoClip } from '@lvcd/media';
import { convertTinyBundle } from '@lvcd/models/testing';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '@lvcd/nodes';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FrameSize {
  width: number;
  height: number;
}

/** Converts the tiny LVCD checkpoints (lineart included) into `<modelsDir>/tiny` for frames of `size`. */
export async function installTinyBundle(modelsDir: string, size: FrameSize): Promise<void> {
  await convertTinyBundle(join(modelsDir, 'tiny'), { frame: size, lineart: true });
}

/** A generated clip of `frames` frames as the zip the studio uploads. */
export async function demoClipZip(dir: string, size: FrameSize, frames: number): Promise<Buffer> {
  const clip = await generateDemoClip(dir, { frames, ...size, seed: 3, fps: 8 });
  return readFile(clip.zip);
}

/**
 * Clip, its first frame as reference, LVCD lineart, LVCD Colorize on the tiny bundle and Save Frames. A clip
 * of up to 19 frames is one window; `steps` sampling steps each.
 */
export function lvcdWorkflow(clipAsset: string, steps: number): WorkflowDocument {
  const node = (id: string, type: string, params: Record<string, string | number> = {}) => ({ id, type, params, position: { x: 0, y: 0 } });
  const link = (from: string, output: string, to: string, input: string) => ({ from: { node: from, output }, to: { node: to, input } });
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    meta: { name: 'LVCD tiny' },
    nodes: [
      node('load', 'frames/load', { frames: clipAsset, fps: 8 }),
      node('models', 'lvcd/model-bundle', { bundle: 'tiny', provider: 'cpu' }),
      node('reference', 'frames/get-frame', { index: 0 }),
      node('lineart', 'lvcd/lineart'),
      node('colorize', 'lvcd/colorize', { steps, prevAttnSteps: 1 }),
      node('save', 'output/save-frames', { name: 'out' }),
    ],
    links: [
      link('load', 'frames', 'reference', 'frames'),
      link('models', 'models', 'lineart', 'models'),
      link('load', 'frames', 'lineart', 'frames'),
      link('models', 'models', 'colorize', 'models'),
      link('reference', 'image', 'colorize', 'reference'),
      link('lineart', 'sketches', 'colorize', 'sketches'),
      link('colorize', 'frames', 'save', 'frames'),
    ],
  };
}
