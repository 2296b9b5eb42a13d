import { describe, expect, it } from 'vitest';
import { checkInputs, ClipInputError, type ClipShape } from './check-inputs.js';
import type { LvcdGeometry } from './geometry.js';

/** The released bundle's geometry (bundleGeometry of its manifest). */
const RELEASED: LvcdGeometry = { latentFactor: 8, latentChannels: 4, scaleFactor: 0.18215, windowFrames: 19, sizeMultiple: 64 };
const clip = (over: Partial<ClipShape> = {}): ClipShape => ({
  reference: { width: 576, height: 320 },
  sketches: { width: 576, height: 320, count: 39 },
  pad: true,
  ...over,
});

/** The input a refused clip names, and its message. */
function refusal(shape: ClipShape, geometry = RELEASED): { input: string; message: string } {
  try {
    checkInputs(shape, geometry);
  } catch (e) {
    if (e instanceof ClipInputError) return { input: e.input, message: e.message };
    throw e;
  }
  throw new Error('the clip was accepted');
}

describe('checkInputs', () => {
  it('plans a padded clip: windows cover every frame, the clip keeps its own length', () => {
    expect(checkInputs(clip(), RELEASED)).toEqual({ width: 576, height: 320, frameCount: 45, clipFrameCount: 39, keep: 39, note: 'padded 39 frames to 45 by repeating the last sketch; kept all 39' });
    expect(checkInputs(clip({ pad: false }), RELEASED)).toMatchObject({ frameCount: 39, keep: 35, note: expect.stringMatching(/dropped the last 4 frames/) });
    expect(checkInputs(clip({ pad: false }), RELEASED)).not.toHaveProperty('clipFrameCount');
  });

  it('refuses a reference of another size than the sketches, naming the reference', () => {
    expect(refusal(clip({ reference: { width: 512, height: 320 } }))).toEqual({ input: 'reference', message: expect.stringMatching(/the reference is 512x320 but the sketches are 576x320/) });
  });

  it("refuses sizes off the bundle's grid, naming the sketches: 64 for the released geometry, the manifest's multiple otherwise", () => {
    const odd = { width: 600, height: 320 };
    expect(refusal(clip({ reference: odd, sketches: { ...odd, count: 39 } }))).toEqual({ input: 'sketches', message: expect.stringMatching(/multiples of 64, not 600x320/) });
    const coarse = { ...RELEASED, latentFactor: 16, sizeMultiple: 128 };
    expect(refusal(clip(), coarse)).toEqual({ input: 'sketches', message: expect.stringMatching(/multiples of 128, not 576x320/) });
    const fine = { ...RELEASED, latentFactor: 4, sizeMultiple: 32 };
    const small = { width: 96, height: 32 };
    expect(checkInputs(clip({ reference: small, sketches: { ...small, count: 15 } }), fine)).toMatchObject({ width: 96, height: 32, frameCount: 15 });
  });

  it('refuses too few frames without padding, naming pad; and a clip with no frames, naming the sketches', () => {
    expect(refusal(clip({ pad: false, sketches: { width: 576, height: 320, count: 14 } }))).toEqual({ input: 'pad', message: expect.stringMatching(/at least 15 frames, the clip has 14; turn on padding/) });
    expect(checkInputs(clip({ sketches: { width: 576, height: 320, count: 14 } }), RELEASED)).toMatchObject({ frameCount: 15, keep: 14 });
    expect(refusal(clip({ sketches: { width: 576, height: 320, count: 0 } }))).toMatchObject({ input: 'sketches' });
  });

  it("refuses a bundle whose denoiser takes other windows than LVCD's, or whose geometry is not whole, naming the networks", () => {
    expect(refusal(clip(), { ...RELEASED, windowFrames: 21 })).toEqual({ input: 'networks', message: expect.stringMatching(/takes 21 positions a call, but LVCD's windows hold 19/) });
    expect(refusal(clip(), { ...RELEASED, scaleFactor: 0 })).toMatchObject({ input: 'networks' });
    expect(refusal(clip(), { ...RELEASED, sizeMultiple: 60 })).toMatchObject({ input: 'networks' });
  });
});
