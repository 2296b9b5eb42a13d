import { defineNode } from '../../runtime/define-node.js';
import { FIT_MODES, fitImage, MODEL_GRID, type FitMode, type RgbImage } from '@lvcd/media';
import { streamFrames, writeFrames } from './frame-io.js';

const PADS: Record<string, [number, number, number]> = { white: [255, 255, 255], black: [0, 0, 0] };

export const resizeFrames = defineNode({
  type: 'frames/resize',
  title: 'Resize / Crop Frames',
  category: 'frames',
  description: `Fits frames to the model's grid (multiples of ${MODEL_GRID}; LVCD's default is 576x320): crop or pad keep the aspect, stretch does not. Pad with white for sketches (paper).`,
  version: 1,
  inputs: [{ name: 'frames', type: 'FRAMES' }],
  outputs: [{ name: 'frames', type: 'FRAMES' }],
  params: [
    { name: 'width', label: 'Width', description: 'Output width in pixels, rounded to a multiple of 64 (the model works on a 64-pixel grid).', schema: { kind: 'integer', default: 576, min: MODEL_GRID, max: 2048, step: MODEL_GRID } },
    { name: 'height', label: 'Height', description: 'Output height in pixels, rounded to a multiple of 64 (the model works on a 64-pixel grid).', schema: { kind: 'integer', default: 320, min: MODEL_GRID, max: 2048, step: MODEL_GRID } },
    { name: 'mode', label: 'Fit', description: 'How a frame of another aspect ratio fits: crop scales it to cover the size and cuts what overflows, pad scales it to fit inside and adds borders, stretch scales each side on its own.', schema: { kind: 'enum', default: 'crop', options: FIT_MODES } },
    { name: 'pad', label: 'Pad colour', description: 'Colour of the borders that pad mode adds: white for sketches (paper), black for anything else.', schema: { kind: 'enum', default: 'white', options: ['white', 'black'] } },
  ],
  async execute(ctx) {
    const input = ctx.inputs.frames;
    // The grid is enforced by rounding, so a hand-edited workflow with 500 still gives a size the model takes.
    const width = Math.max(MODEL_GRID, Math.round(ctx.params.width / MODEL_GRID) * MODEL_GRID);
    const height = Math.max(MODEL_GRID, Math.round(ctx.params.height / MODEL_GRID) * MODEL_GRID);
    const mode = ctx.params.mode;
    const pad = PADS[ctx.params.pad] ?? PADS.white!;
    const resized = async function* (): AsyncGenerator<RgbImage> {
      for await (const image of streamFrames(ctx, input)) yield fitImage(image, width, height, mode, pad);
    };
    return { frames: await writeFrames(ctx, resized(), input.fps, { total: input.count }) };
  },
});
