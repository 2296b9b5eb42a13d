import { describe, expect, it } from 'vitest';
import { DecodeStream } from './decode-stream.js';

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
/** SVD's scale factor, as the released bundles record it. */
const SVD_SCALE = 0.18215;

describe('DecodeStream', () => {
  it('decodes each chunk once its latents exist, emits every frame once in order, and keeps one chunk of latents', async () => {
    const decoded: number[][] = [];
    // A decoder that "decodes" latent value v to a frame of value v * 0.5 and records its chunk.
    const decoder = {
      decode: async (latents: Float32Array, frames: number) => {
        decoded.push(Array.from(latents, (v) => Math.round(v * SVD_SCALE)));
        expect(latents.length).toBe(frames);
        return Float32Array.from(latents, (v) => v * SVD_SCALE * 0.5);
      },
    };
    const frames: [number, number][] = [];
    const stream = new DecodeStream({ decoder, scaleFactor: SVD_SCALE, totalLatents: 35, onFrame: (i, f) => void frames.push([i, f[0]!]) });
    for (let i = 0; i < 35; i++) await stream.push(i, Float32Array.of(i));
    expect(stream.done).toBe(true);
    expect(frames.map(([i]) => i)).toEqual(range(0, 35));
    // Values are clamped to [-1, 1] as the original does.
    expect(frames.map(([, v]) => v)).toEqual(range(0, 35).map((i) => Math.min(1, i * 0.5)));
    expect(decoded[1]).toEqual([0, ...range(7, 16)]);
  });

  it("unscales latents by the bundle's scale factor, not SVD's", async () => {
    const seen: number[] = [];
    const decoder = { decode: async (latents: Float32Array) => (seen.push(...latents), new Float32Array(latents.length)) };
    const stream = new DecodeStream({ decoder, scaleFactor: 0.25, totalLatents: 15, onFrame: () => undefined });
    for (let i = 0; i < 15; i++) await stream.push(i, Float32Array.of(i));
    expect(seen.slice(0, 10)).toEqual(range(0, 10).map((i) => i * 4));
  });

  it('refuses a chunk whose latents differ in size instead of decoding misaligned values', async () => {
    const decoder = { decode: async (latents: Float32Array) => new Float32Array(latents.length) };
    const stream = new DecodeStream({ decoder, scaleFactor: SVD_SCALE, totalLatents: 15, onFrame: () => undefined });
    for (let i = 0; i < 9; i++) await stream.push(i, Float32Array.of(i));
    await expect(stream.push(9, Float32Array.of(9, 9))).rejects.toThrow(/latent 9 holds 2 values, latent 0 1/);
  });

  it('with chunks decoding ahead, returns from push while they decode and still hands frames on in order', async () => {
    // A decoder elsewhere: each decode finishes when the test releases it, in any order (or at once, later on).
    const pending: (() => void)[] = [];
    let immediate = false;
    const decoder = {
      decode: (latents: Float32Array) =>
        new Promise<Float32Array>((resolve) => {
          const finish = () => resolve(new Float32Array(latents.length));
          if (immediate) finish();
          else pending.push(finish);
        }),
    };
    const ticks = async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    };
    const frames: number[] = [];
    const stream = new DecodeStream({ decoder, scaleFactor: SVD_SCALE, totalLatents: 35, ahead: 2, onFrame: (i) => void frames.push(i) });
    // Latents 0-20 complete chunks 0 (latents 0-9) and 1 (up to 15): both start, and push returns with neither decoded.
    for (let i = 0; i < 21; i++) await stream.push(i, Float32Array.of(i));
    expect(pending).toHaveLength(2);
    expect(frames).toEqual([]);
    // Latent 21 completes chunk 2: a third chunk decoding would exceed `ahead`, so push waits for the oldest.
    let returned = false;
    const third = stream.push(21, Float32Array.of(21)).then(() => (returned = true));
    await ticks();
    expect(pending).toHaveLength(3);
    // Chunk 1 finishing first hands nothing on: chunk 0's frames come first.
    pending[1]!();
    await ticks();
    expect(frames).toEqual([]);
    expect(returned).toBe(false);
    pending[0]!();
    await third;
    await ticks();
    expect(frames).toEqual(range(0, 16));
    immediate = true;
    pending[2]!();
    for (let i = 22; i < 35; i++) await stream.push(i, Float32Array.of(i));
    await stream.flush();
    expect(stream.done).toBe(true);
    expect(frames).toEqual(range(0, 35));
  });

  it('reports a chunk that fails to decode ahead at the next push or the flush, never as an unhandled rejection', async () => {
    let calls = 0;
    const decoder = { decode: async (latents: Float32Array) => (++calls === 1 ? Promise.reject(new Error('the worker decoding it stopped')) : new Float32Array(latents.length)) };
    const stream = new DecodeStream({ decoder, scaleFactor: SVD_SCALE, totalLatents: 35, ahead: 1, onFrame: () => undefined });
    for (let i = 0; i < 10; i++) await stream.push(i, Float32Array.of(i));
    await new Promise((r) => setImmediate(r));
    await expect(
      (async () => {
        for (let i = 10; i < 35; i++) await stream.push(i, Float32Array.of(i));
        await stream.flush();
      })(),
    ).rejects.toThrow(/the worker decoding it stopped/);
  });
});
