import { createHash } from 'node:crypto';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lvcdTinyFixturesDir } from '../testing/fixture-paths.js';
import { loadGoldens, type GoldenTensor } from '../testing/golden.js';
import { lvcdConditioningFrameNoise, lvcdInitialNoise } from './lvcd-noise.js';
import { TorchGenerator } from './torch-generator.js';

let golden: Record<string, GoldenTensor>;

beforeAll(async () => {
  golden = await loadGoldens(path.join(lvcdTinyFixturesDir(), 'golden-sample.safetensors'));
});

const bitsOf = (values: Float32Array) => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
/** How many values differ in any bit, and by how many ulps at most (same-sign floats: bit patterns are ordered). */
function bitDifference(actual: Float32Array, expected: Float32Array): { mismatches: number; maxUlp: number } {
  const a = bitsOf(actual);
  const e = bitsOf(expected);
  let mismatches = 0;
  let maxUlp = 0;
  for (let i = 0; i < e.length; i++) {
    if (a[i] === e[i]) continue;
    mismatches++;
    maxUlp = Math.max(maxUlp, Math.abs(a[i]! - e[i]!));
  }
  return { mismatches, maxUlp };
}

describe('TorchGenerator against golden-sample (PyTorch CPU, seed 1234)', () => {
  it('randn((19, 4, 8, 16)) after seed 1234 is x_T bit for bit', () => {
    const xT = new TorchGenerator(1234).randn([19, 4, 8, 16]);
    expect(xT).toHaveLength(golden['x_T']!.data.length);
    expect(bitDifference(xT, golden['x_T']!.data)).toEqual({ mismatches: 0, maxUlp: 0 });
  });

  it("draws the posterior's normals right after x_T, without reseeding: vae_eps bit for bit", () => {
    const noise = lvcdInitialNoise(1234, 19, 4, 8, 16);
    expect(bitDifference(noise.xT, golden['x_T']!.data).mismatches).toBe(0);
    expect(bitDifference(noise.posteriorEps, golden['vae_eps']!.data)).toEqual({ mismatches: 0, maxUlp: 0 });
    // The order matters: a fresh seed's first (1, 4, 8, 16) draw is not the posterior noise.
    expect(bitDifference(new TorchGenerator(1234).randn([1, 4, 8, 16]), golden['vae_eps']!.data).mismatches).toBeGreaterThan(400);
  });

  it("each window's conditioning-frame noise is the fresh seed's first (1, 3, H, W) draw", () => {
    const noise = lvcdConditioningFrameNoise(1234, 64, 128);
    expect(noise).toHaveLength(3 * 64 * 128);
    // Blocks of 16 depend only on their own uniforms, so the fresh stream starts with x_T's values.
    expect(bitDifference(noise.subarray(0, golden['x_T']!.data.length), golden['x_T']!.data).mismatches).toBe(0);
    expect(bitDifference(noise.subarray(0, 512), golden['vae_eps']!.data).mismatches).toBeGreaterThan(400);
  });
});

/**
 * Bit patterns PyTorch 2.13.0 (CPU) printed for these draws, e.g.
 * `torch.manual_seed(1234); torch.randn(2, 3).view(torch.int32)`; they pin the paths golden-sample does not reach.
 */
const TORCH = {
  seed1234Randn2x3: [0x3d3cf34c, 0x3ece07be, 0xbf8179c9, 0x3e5df0a1, 0xbf1cbdee, 0x3f00eca2],
  seed1234Randn20AfterRandn3: [
    0xbea0f2cc, 0xbefe1cc3, 0x3dfcfc6a, 0xbe1a98cd, 0x3f78c059, 0xbf03d7a4, 0x3fb677a8, 0x3f4c76a6, 0xbfbf5817, 0x3f6186ab, 0xbf96ddec, 0xbf6f1a4c,
    0xbfba7bfa, 0x3e8338ac, 0xbece5c2c, 0x3ed6cc4b, 0x3f702290, 0x3c0010b7, 0xbea0b252, 0xbf940ee3,
  ],
  seed7Randn33: [
    0xbf51f456, 0x3eca902b, 0x3f661ede, 0xbfb1b738, 0xbe2b0101, 0x3e91ff2d, 0xbf241e93, 0xbf64c69a, 0x3f6d31ec, 0xbf091754, 0xbf9471b7, 0xbeeb99b8,
    0x3f3562d1, 0x3f81a1f8, 0x3e6bed28, 0x3f8b8a88, 0xbfca94c1, 0xbcc054cb, 0x3e328f74, 0x4013180c, 0x3f7504a6, 0xbf297027, 0xbf54156f, 0xbf1b0ddd,
    0xbe0aaff8, 0x3fa60f1a, 0x3fd20a1a, 0xbf87416d, 0xbe85eeb2, 0xbe801162, 0x3f00497f, 0x3e852377, 0xbfd189ea,
  ],
  seedMinus5Randn17: [
    0xc011ec61, 0xbfbcfd8b, 0x3ecaa134, 0x3ed7a88e, 0x3f28e7ab, 0xbf131b30, 0xbf820a67, 0x3f02fe5e, 0xbf404862, 0xbf609d56, 0xbe5e049f, 0x3e81fb48,
    0xbf3f0eca, 0xbf885572, 0x3f4f2e3e, 0xbf06d80c, 0x3c569dd4,
  ],
};

describe('TorchGenerator paths against PyTorch 2.13.0', () => {
  it('fewer than 16 values take the scalar double path (53-bit uniforms)', () => {
    expect(bitsOf(new TorchGenerator(1234).randn([2, 3]))).toEqual(TORCH.seed1234Randn2x3);
  });

  it('keeps the scalar path sine across a vectorised draw and drops it on reseeding', () => {
    const g = new TorchGenerator(1234);
    expect(bitsOf(g.randn([3]))).toEqual(TORCH.seed1234Randn2x3.slice(0, 3));
    expect(bitsOf(g.randn([20]))).toEqual(TORCH.seed1234Randn20AfterRandn3);
    expect(bitsOf(g.randn([1]))).toEqual(TORCH.seed1234Randn2x3.slice(3, 4));
    g.manualSeed(1234);
    expect(bitsOf(g.randn([2, 3]))).toEqual(TORCH.seed1234Randn2x3);
  });

  it('recomputes the last 16 values from fresh uniforms when the count is not a multiple of 16', () => {
    expect(bitsOf(new TorchGenerator(7).randn([33]))).toEqual(TORCH.seed7Randn33);
    expect(bitsOf(new TorchGenerator(-5).randn([17]))).toEqual(TORCH.seedMinus5Randn17);
  });

  it('seeds from the low 32 bits of the seed, as mt19937 in torch does', () => {
    expect(bitsOf(new TorchGenerator(2 ** 32 + 7).randn([33]))).toEqual(TORCH.seed7Randn33);
    expect(() => new TorchGenerator(1.5)).toThrow(/whole number/);
    expect(() => new TorchGenerator(1234).randn([2, -1])).toThrow(/shape/);
  });
});

/**
 * SHA-256 of the float32 bytes PyTorch 2.13.0 (CPU) draws at the real 320x576 size, as the original draws them:
 * `torch.manual_seed(s); x_T = torch.randn(19, 4, 40, 72); eps = torch.randn(1, 4, 40, 72)`, and after reseeding
 * `torch.randn(1, 3, 320, 576)` (the conditioning frame's noise). Seed 23 is the default of the original's sample().
 */
const REAL_SIZE_SHA256: Record<number, { xT: string; posteriorEps: string; conditioningFrame: string }> = {
  1234: {
    xT: 'd8c3b0dfa361986ed11c0218090594f7ca689df6c22592335ff572d06a03917e',
    posteriorEps: '460d7400711f01ac9ab54c782e71c09082441c10061572e02ddc36e6d0a00214',
    conditioningFrame: 'e0308de8b92e0dbc664e8415e9da6e74c9b0fd33da2dcd423668a956c916af57',
  },
  23: {
    xT: '4cd8418d2dd2c33df184580f5e8eb3626df6143ad2cc96651f18f35e014a2b8f',
    posteriorEps: 'e3d1ad4c68070a4d2f0b5478af462da198219fc8c5d1357c6a5b8f204726de90',
    conditioningFrame: '692e0744fba58770acf8cb778f66530f262a912338b44655e1419cb7a3a89553',
  },
};

describe("the original's draws at the real 320x576 size", () => {
  const sha256 = (values: Float32Array) => createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
  for (const [seed, expected] of Object.entries(REAL_SIZE_SHA256)) {
    it(`are PyTorch's bytes for seed ${seed}`, () => {
      const { xT, posteriorEps } = lvcdInitialNoise(Number(seed), 19, 4, 40, 72);
      expect({ xT: sha256(xT), posteriorEps: sha256(posteriorEps), conditioningFrame: sha256(lvcdConditioningFrameNoise(Number(seed), 320, 576)) }).toEqual(expected);
    });
  }
});
