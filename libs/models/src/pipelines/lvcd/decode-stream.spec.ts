import { describe, expect, it } from 'vitest';
import { DecodeStream } from './decode-stream.js';
import { LATENT_SCALE } from './sampler.js';

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('DecodeStream', () => {
  it('decodes each chunk once its latents exist, emits every frame once in order, and keeps one chunk of latents', async () => {
    const decoded: number[][] = [];
    // A decoder that "decodes" latent value v to a frame of value v * 0.5 and records its chunk.
    const decoder = {
      decode: async (latents: Float32Array, frames: number) => {
        decoded.push(Array.from(latents, (v) => Math.round(v * LATENT_SCALE)));
        expect(latents.length).toBe(frames);
        return Float32Array.from(latents, (v) => v * LATENT_SCALE * 0.5);
      },
    };
    const frames: [number, number][] = [];
    const stream = new DecodeStream(decoder, 35, undefined, (i, f) => void frames.push([i, f[0]!]));
    for (let i = 0; i < 35; i++) await stream.push(i, Float32Array.of(i));
    expect(stream.done).toBe(true);
    expect(frames.map(([i]) => i)).toEqual(range(0, 35));
    // Values are clamped to [-1, 1] as the original does.
    expect(frames.map(([, v]) => v)).toEqual(range(0, 35).map((i) => Math.min(1, i * 0.5)));
    expect(decoded[1]).toEqual([0, ...range(7, 16)]);
  });
});
