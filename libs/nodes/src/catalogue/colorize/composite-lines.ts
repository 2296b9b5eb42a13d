import { defineNode } from '../../runtime/define-node.js';
import { compositeLines as composite, LINE_COMPOSITE_MODES, parseHexColour, type RgbImage } from '@lvcd/media';
import { NodeError } from '../../runtime/node-type.js';
import { writeFrames } from '../frames/frame-io.js';
import { pairedFrames } from './paired-frames.js';

export const compositeLines = defineNode({
  type: 'colorize/composite-lines',
  title: 'Composite Lines',
  category: 'colorize',
  description:
    'Puts the clean lines of the sketches back over coloured frames: multiply (the frame times the sketch, tinted with the line colour) or replace (the line colour laid over the frame as much as each pixel is inked). For any colorizer whose lines came out soft or coloured.',
  version: 1,
  inputs: [
    { name: 'frames', type: 'FRAMES', label: 'Coloured frames' },
    { name: 'sketches', type: 'SKETCHES' },
  ],
  outputs: [{ name: 'frames', type: 'FRAMES' }],
  params: [
    { name: 'mode', label: 'Blend', description: 'How the lines are laid over the frame: multiply darkens the frame by the sketch tinted with the line colour, replace paints the line colour as much as each pixel is inked.', schema: { kind: 'enum', options: LINE_COMPOSITE_MODES, default: 'multiply' } },
    { name: 'lineColour', label: 'Line colour', description: 'As #rrggbb.', schema: { kind: 'string', default: '#1c1a22', maxLength: 7 } },
  ],
  async execute(ctx) {
    const colour = parseHexColour(ctx.params.lineColour);
    if (!colour) throw new NodeError(`line colour "${ctx.params.lineColour}" is not a colour; write it as #rrggbb, e.g. #1c1a22`, 'lineColour');
    const { frames, sketches } = ctx.inputs;
    const mode = ctx.params.mode;
    const out = async function* (): AsyncGenerator<RgbImage> {
      for await (const { frame, sketch } of pairedFrames(ctx, frames, sketches)) yield composite(frame, sketch, mode, colour);
    };
    return { frames: await writeFrames(ctx, out(), frames.fps, { total: Math.min(frames.count, sketches.count) }) };
  },
});
