import type { InputSpec, OutputSpec } from '../../types.js';

/** What every reference colorizer takes and gives: the coloured reference and the sketches in, the coloured frames out. */
export const COLORIZER_SOCKETS = {
  inputs: [
    { name: 'reference', type: 'IMAGE', label: 'Coloured reference (frame 0)' },
    { name: 'sketches', type: 'SKETCHES' },
  ],
  outputs: [{ name: 'frames', type: 'FRAMES' }],
} as const satisfies { inputs: readonly InputSpec[]; outputs: readonly OutputSpec[] };
