import { describe, expect, it } from 'vitest';
import { TorchGenerator } from '../../random/torch-generator.js';
import { SamplingCancelledError, sampleClip, type DenoiserNetwork, type DenoiserStep, type SamplerWindowEnd } from './sampler.js';

const h = 2;
const w = 3;
const row = 4 * h * w;
/** SVD's latent space, as the released bundles record it. */
const geometry = { latentChannels: 4, scaleFactor: 0.18215 };

/**
 * A network whose output at each position depends only on that position's own input and hint. With it the
 * overlap positions of a window follow exactly the trajectory they had at positions 15..18 of the previous
 * window (same carried noise, blended denoised values), which is the invariant the original relies on.
 */
class PerPositionNetwork implements DenoiserNetwork {
  calls: DenoiserStep[] = [];
  async run(step: DenoiserStep): Promise<Float32Array> {
    this.calls.push({ ...step, input: new Float32Array(0), hint: new Float32Array(0) });
    const out = new Float32Array(19 * row);
    for (let p = 0; p < 19; p++) {
      for (let i = 0; i < row; i++) {
        const xin = step.input[p * 2 * row + i]!;
        const concat = step.input[p * 2 * row + row + i]!;
        out[p * row + i] = Math.tanh(xin + 0.3 * concat + 0.1 * step.hint[p * 3]! + step.cNoise * 0.01);
      }
    }
    return out;
  }
}

function request(network: DenoiserNetwork, frameCount: number, latents: Map<number, Float32Array>) {
  const rng = new TorchGenerator(3);
  return {
    network,
    geometry,
    frameCount,
    latentHeight: h,
    latentWidth: w,
    referenceModeLatent: rng.randn([row]),
    referenceSampleLatent: rng.randn([row]),
    hint: async (frame: number) => new Float32Array(3 * 4).fill(frame / 10),
    noise: rng.randn([19 * row]),
    numSteps: 6,
    prevAttnSteps: 4,
    laterWindowMode: 'prevref' as const,
    onLatent: (index: number, latent: Float32Array) => {
      expect(latents.has(index)).toBe(false);
      expect(index).toBe(latents.size);
      latents.set(index, latent);
    },
  };
}

describe('sampleClip', () => {
  it('emits 35 latents for 39 frames, in order, frame 0 being the scaled reference sample', async () => {
    const latents = new Map<number, Float32Array>();
    const network = new PerPositionNetwork();
    const r = request(network, 39, latents);
    expect(await sampleClip(r)).toEqual({ windows: 3, outputFrames: 35 });
    expect(latents.size).toBe(35);
    expect(Array.from(latents.get(0)!)).toEqual(Array.from(r.referenceSampleLatent, (v) => Math.fround(v * geometry.scaleFactor)));
    expect(network.calls).toHaveLength(18);
  });

  it('uses normal attention in window 0 and previous-reference attention for prev_attn_steps steps after', async () => {
    const network = new PerPositionNetwork();
    await sampleClip(request(network, 39, new Map()));
    expect(network.calls.map((c) => c.attention)).toEqual([
      ...Array(6).fill('normal'),
      ...[0, 1].flatMap(() => [...Array(4).fill('prevref'), 'prevref-late', 'prevref-late']),
    ]);
  });

  it('reproduces the overlap frames of the previous window exactly (blending + noise carry-over)', async () => {
    // Run window 0 alone (15 frames, all final) and the full clip: frames 11..14 must agree bit for bit.
    const alone = new Map<number, Float32Array>();
    const full = new Map<number, Float32Array>();
    await sampleClip(request(new PerPositionNetwork(), 15, alone));
    await sampleClip(request(new PerPositionNetwork(), 25, full));
    for (let f = 0; f < 15; f++) expect(Array.from(full.get(f)!)).toEqual(Array.from(alone.get(f)!));
  });

  it("with padding, keeps the frames the original gives, even past the 25 blended steps", async () => {
    // 16 frames: the original runs one window and gives 15; padded to 25, a second window adds frames 15..24.
    // With 30 steps the overlap frames are pinned for 25 only, so a re-generated frame 11..14 would drift.
    const run = (n: number, frameCount: number, clipFrameCount?: number) => {
      const latents = new Map<number, Float32Array>();
      const r = { ...request(new PerPositionNetwork(), frameCount, latents), numSteps: n, ...(clipFrameCount ? { clipFrameCount } : {}) };
      return sampleClip(r).then((result) => ({ result, latents }));
    };
    const original = await run(30, 16);
    const padded = await run(30, 25, 16);
    const regenerated = await run(30, 25);
    expect(original.result).toEqual({ windows: 1, outputFrames: 15 });
    expect(padded.result).toEqual({ windows: 2, outputFrames: 25 });
    for (let f = 0; f < 15; f++) expect(Array.from(padded.latents.get(f)!)).toEqual(Array.from(original.latents.get(f)!));
    expect(Array.from(regenerated.latents.get(14)!)).not.toEqual(Array.from(original.latents.get(14)!));
    for (let f = 15; f < 25; f++) expect(Array.from(padded.latents.get(f)!)).toEqual(Array.from(regenerated.latents.get(f)!));
  });

  it('stops between steps when cancelled', async () => {
    const controller = new AbortController();
    const network: DenoiserNetwork = { run: async (s) => (controller.abort(), new Float32Array(s.input.length / 2)) };
    await expect(sampleClip({ ...request(network, 15, new Map()), signal: controller.signal })).rejects.toBeInstanceOf(SamplingCancelledError);
  });

  it('continues from the checkpoint of any window with the latents and network calls of a run that never stopped, past the blended steps too', async () => {
    const full = new Map<number, Float32Array>();
    const ends: SamplerWindowEnd[] = [];
    const whole = new PerPositionNetwork();
    const r = { ...request(whole, 49, full), numSteps: 30, onWindow: (end: SamplerWindowEnd) => void ends.push(end) };
    expect(await sampleClip(r)).toEqual({ windows: 4, outputFrames: 45 });
    expect(ends.map((e) => [e.window, e.firstLatent, e.latents.length, e.next.emitted])).toEqual([[0, 0, 11, 11], [1, 11, 10, 21], [2, 21, 10, 31], [3, 31, 14, 45]]);
    expect(ends[0]!.next.blend).toHaveLength(25);
    for (const end of ends) for (const [i, latent] of end.latents.entries()) expect(Array.from(latent)).toEqual(Array.from(full.get(end.firstLatent + i)!));

    for (const k of [1, 2, 3]) {
      const resumed = new Map<number, Float32Array>();
      for (const end of ends.slice(0, k)) end.latents.forEach((l, i) => resumed.set(end.firstLatent + i, l));
      const network = new PerPositionNetwork();
      const { referenceModeLatent: _unused, ...rest } = request(network, 49, resumed);
      expect(await sampleClip({ ...rest, numSteps: 30, from: ends[k - 1]!.next })).toEqual({ windows: 4, outputFrames: 45 });
      expect(network.calls).toEqual(whole.calls.slice(30 * k));
      for (let f = 0; f < 45; f++) expect(Array.from(resumed.get(f)!), `frame ${f} resumed at window ${k}`).toEqual(Array.from(full.get(f)!));
    }
  });

  it('refuses a checkpoint of other steps or another latent size', async () => {
    const ends: SamplerWindowEnd[] = [];
    await sampleClip({ ...request(new PerPositionNetwork(), 25, new Map()), onWindow: (end) => void ends.push(end) });
    const from = ends[0]!.next;
    await expect(sampleClip({ ...request(new PerPositionNetwork(), 25, new Map()), numSteps: 5, from })).rejects.toThrow(/6 blended steps where 5 were asked/);
    await expect(sampleClip({ ...request(new PerPositionNetwork(), 25, new Map()), latentWidth: 4, from })).rejects.toThrow(/does not fit this clip/);
  });
});
