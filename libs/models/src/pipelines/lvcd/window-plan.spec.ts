import { describe, expect, it } from 'vitest';
import { planDecodeChunks } from './decode-plan.js';
import { carryNoise, outputFrameCount, paddedFrameCount, planWindows, windowCount } from './window-plan.js';

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('window plan (spec §4.7, worked example N = 75)', () => {
  it('covers 75 frames with 7 windows and 75 outputs; 39 frames with 3 windows and 35', () => {
    expect(windowCount(75)).toBe(7);
    expect(outputFrameCount(7)).toBe(75);
    expect(windowCount(39)).toBe(3);
    expect(outputFrameCount(3)).toBe(35);
    expect(windowCount(80)).toBe(7);
    expect(windowCount(14)).toBe(0);
  });

  it('lists the frames of each window as the original does', () => {
    const plans = planWindows(75);
    expect(plans[0]!.frames).toEqual([0, 0, 0, 0, 0, ...range(1, 15)]);
    expect(plans[1]!.frames).toEqual([0, 11, 12, 13, 14, ...range(11, 25)]);
    expect(plans[2]!.frames).toEqual([0, 21, 22, 23, 24, ...range(21, 35)]);
    expect(plans[6]!.frames).toEqual([0, 61, 62, 63, 64, ...range(61, 75)]);
    expect(plans.map((p) => [p.start, p.end])).toEqual([[1, 15], [11, 25], [21, 35], [31, 45], [41, 55], [51, 65], [61, 75]]);
  });

  it('pads to a length the windows cover exactly', () => {
    expect(paddedFrameCount(39)).toBe(45);
    expect(outputFrameCount(windowCount(paddedFrameCount(39)))).toBe(45);
    expect(paddedFrameCount(75)).toBe(75);
    expect(paddedFrameCount(3)).toBe(15);
  });

  it('rotates the initial noise so re-generated frames keep their rows (noise-row ids of the worked example)', () => {
    let rows: Float32Array = Float32Array.from(range(0, 19));
    const seen: number[][] = [];
    for (let w = 0; w < 7; w++) {
      seen.push(Array.from(rows));
      rows = carryNoise(rows, 1);
    }
    expect(seen[1]).toEqual([0, 15, 16, 17, 18, 15, 16, 17, 18, ...range(5, 15)]);
    expect(seen[2]).toEqual([0, 11, 12, 13, 14, 11, 12, 13, 14, 15, 16, 17, 18, ...range(5, 11)]);
    expect(seen[6]).toEqual([0, 9, 10, 11, 12, 9, 10, 11, 12, ...range(13, 19), 5, 6, 7, 8]);
  });
});

describe('decode chunks (spec §4.9)', () => {
  it('decodes 75 latents in 12 chunks led by the reference and keeps every frame once', () => {
    const chunks = planDecodeChunks(75);
    expect(chunks).toHaveLength(12);
    expect(chunks[0]).toEqual({ latents: range(0, 10), drop: 0, firstOutput: 0 });
    expect(chunks[1]).toEqual({ latents: [0, ...range(7, 16)], drop: 4, firstOutput: 10 });
    expect(chunks[11]!.latents).toEqual([0, ...range(67, 75)]);
    const kept = chunks.flatMap((c) => c.latents.slice(c.drop));
    expect(kept).toEqual(range(0, 75));
  });

  it("with padding, chunks the original's latents as the original does and the extra ones in chunks of their own", () => {
    const original = planDecodeChunks(35);
    expect(original.at(-1)!.latents).toEqual([0, ...range(31, 35)]);
    const padded = planDecodeChunks(45, undefined, 35);
    expect(padded.slice(0, original.length)).toEqual(original);
    expect(padded.slice(original.length)).toEqual([
      { latents: [0, ...range(32, 41)], drop: 4, firstOutput: 35 },
      { latents: [0, ...range(38, 45)], drop: 4, firstOutput: 41 },
    ]);
    expect(padded.flatMap((c) => c.latents.slice(c.drop))).toEqual(range(0, 45));
    // A clip shorter than an overlap (2 frames padded to a window): the first padding chunk is led by what there is.
    const short = planDecodeChunks(15, undefined, 2);
    expect(short).toEqual([
      { latents: [0, 1], drop: 0, firstOutput: 0 },
      { latents: [0, ...range(1, 10)], drop: 2, firstOutput: 2 },
      { latents: [0, ...range(7, 15)], drop: 4, firstOutput: 10 },
    ]);
    expect(short.flatMap((c) => c.latents.slice(c.drop))).toEqual(range(0, 15));
    // Without original frames (a clip shorter than one window) all latents are chunked as usual.
    expect(planDecodeChunks(15, undefined, 0)).toEqual(planDecodeChunks(15));
  });
});
