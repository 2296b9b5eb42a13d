// The tiny LVCD bundle, a generated clip and the LVCD Colorize workflow, for benchmarks that run LVCD through
// the studio. The JS twin of apps/server/test/support/lvcd-tiny.ts, which the bench cannot import (TypeScript).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './studio.mjs';

const media = await import(join(ROOT, 'libs/media/dist/index.js'));
const nodes = await import(join(ROOT, 'libs/nodes/dist/index.js'));
const testing = await import(join(ROOT, 'libs/models/dist/testing/index.js'));

/** Converts the tiny LVCD checkpoints (lineart included) into `<modelsDir>/tiny` for frames of `size`. */
export async function installTinyBundle(modelsDir, size) {
  await testing.convertTinyBundle(join(modelsDir, 'tiny'), { frame: size, lineart: true });
}

/** A generated clip of `frames` frames as the zip the studio uploads. */
export async function demoClipZip(dir, size, frames) {
  const clip = await media.generateDemoClip(dir, { frames, ...size, seed: 3, fps: 8 });
  return readFileSync(clip.zip);
}

/**
 * Clip, its first frame as reference, LVCD lineart, LVCD Colorize on the tiny bundle and Save Frames (node id
 * `save`). A clip of up to 19 frames is one window; `steps` sampling steps each.
 */
export function lvcdWorkflow(clipAsset, steps, name = 'LVCD tiny') {
  const node = (id, type, params = {}) => ({ id, type, params, position: { x: 0, y: 0 } });
  const link = (from, output, to, input) => ({ from: { node: from, output }, to: { node: to, input } });
  return {
    format: nodes.WORKFLOW_FORMAT,
    version: nodes.WORKFLOW_VERSION,
    meta: { name },
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
