import { defineNode } from '../../runtime/define-node.js';
import { ClassicalLineart, type ClassicalLineartOptions, type RgbImage } from '@lvcd/media';
import { streamFrames, writeFrames } from '../frames/frame-io.js';

/**
 * Extractors this node runs. The neural one (ONNX informative-drawings) will join this enum and share
 * `sketchFromPaper`, so every extractor yields LVCD's convention: white paper, dark lines, 3 channels.
 */
const EXTRACTORS = ['xdog', 'dog'] as const;

export const classicalLineart = defineNode({
  type: 'lineart/extract',
  title: 'Extract Lineart',
  category: 'lineart',
  description: 'Sketches from colour frames with no weights: XDoG (soft, tapered lines) or DoG (hard edges). White paper, dark lines, same size as the frames.',
  version: 1,
  inputs: [{ name: 'frames', type: 'FRAMES' }],
  outputs: [{ name: 'sketches', type: 'SKETCHES' }],
  params: [
    { name: 'extractor', label: 'Extractor', description: 'The edge detector: xdog (extended difference of Gaussians) draws soft, tapered lines, dog (difference of Gaussians) hard edges.', schema: { kind: 'enum', default: 'xdog', options: EXTRACTORS } },
    { name: 'sigma', label: 'Detail scale (px)', description: 'Width in pixels of the Gaussian blur that edges are found at: larger ignores finer detail and draws broader strokes.', schema: { kind: 'number', default: 0.8, min: 0.3, max: 5, step: 0.1 } },
    { name: 'threshold', label: 'Edge threshold', description: 'Higher draws only strong edges.', schema: { kind: 'number', default: 0.005, min: 0, max: 0.1, step: 0.001 } },
    { name: 'sharpness', label: 'Sharpness', description: 'XDoG only: how quickly faint edges turn to full ink.', schema: { kind: 'number', default: 100, min: 1, max: 1000, step: 1 } },
    { name: 'lineWidth', label: 'Line width (px)', description: 'Thickness of the drawn lines in pixels (1 keeps them as detected; more thickens them).', schema: { kind: 'integer', default: 1, min: 1, max: 6 } },
  ],
  async execute(ctx) {
    const input = ctx.inputs.frames;
    const options: ClassicalLineartOptions = {
      extractor: ctx.params.extractor,
      sigma: ctx.params.sigma,
      threshold: ctx.params.threshold,
      sharpness: ctx.params.sharpness,
      lineWidth: ctx.params.lineWidth,
    };
    const extractor = new ClassicalLineart(input.width, input.height, options);
    const sketches = async function* (): AsyncGenerator<RgbImage> {
      for await (const frame of streamFrames(ctx, input)) yield extractor.extract(frame);
    };
    return { sketches: await writeFrames(ctx, sketches(), input.fps, { total: input.count, output: 'sketches' }) };
  },
});
