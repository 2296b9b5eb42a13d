import { describe, expect, it } from 'vitest';
import { decodeWindowCheckpoint, encodeWindowCheckpoint, WindowCheckpointError, type WindowCheckpoint } from './window-checkpoint.js';

const values = (n: number, from: number) => Float32Array.from({ length: n }, (_, i) => from + i / 7);

const checkpoint: WindowCheckpoint = {
  window: 1,
  firstLatent: 11,
  latents: [values(8, 1), values(8, 2)],
  context: values(5, 3),
  referenceSample: values(8, 4),
  next: { window: 2, emitted: 13, noise: values(19 * 8, 5), tail: values(32, 6), blend: [values(32, 7), values(32, 8), values(32, 9)] },
};

describe('window checkpoint bytes', () => {
  it('decodes to what was encoded, from an unaligned offset too', () => {
    const bytes = encodeWindowCheckpoint(checkpoint);
    expect(decodeWindowCheckpoint(bytes)).toEqual(checkpoint);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeWindowCheckpoint(shifted.subarray(1))).toEqual(checkpoint);
  });

  it('refuses a cut file and another format', () => {
    const bytes = encodeWindowCheckpoint(checkpoint);
    expect(() => decodeWindowCheckpoint(bytes.subarray(0, bytes.length - 4))).toThrow(WindowCheckpointError);
    expect(() => decodeWindowCheckpoint(new TextEncoder().encode('{"window":1}'))).toThrow(/not an LVCD window checkpoint/);
  });
});
