import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShapeOnlyWeightSource } from '../formats/index.js';
import { createSession, maxAbsDiff, runFloat } from '../runtime/index.js';
import { GraphBuilder, GraphShapeError, MS_DOMAIN, writeOnnxModel, type Tensor } from './index.js';

// The fused kernels the graphs rely on (ONNX Runtime's MultiHeadAttention, InstanceNormalization as
// GroupNorm), checked against float64 computations written out here.
let dir: string;
const noWeights = new ShapeOnlyWeightSource('no weights', new Map());

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-fused-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const values = (n: number, seed: number, scale = 1, offset = 0) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * scale + offset);

async function run(b: GraphBuilder, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<Float32Array> {
  const written = await writeOnnxModel(b.finish(), { dir, fileName: `${b.name}.onnx`, weights: noWeights });
  const { session } = await createSession(written.modelPath, { provider: 'cpu' });
  try {
    return (await runFloat(session, feeds)).y!.data;
  } finally {
    await session.release();
  }
}

/** softmax(scale q.k + bias) v per head; q (B,S,N*H), k (B,L,N*H), v (B,L,N*Hv), bias (B,1,S,L). */
function attentionReference(q: Float32Array, k: Float32Array, v: Float32Array, dims: { B: number; S: number; L: number; N: number; H: number; Hv: number }, scale: number, bias: Float32Array): Float64Array {
  const { B, S, L, N, H, Hv } = dims;
  const out = new Float64Array(B * S * N * Hv);
  for (let b = 0; b < B; b++) for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) {
    const logits = Array.from({ length: L }, (_, l) => {
      let dot = 0;
      for (let h = 0; h < H; h++) dot += q[(b * S + s) * N * H + n * H + h]! * k[(b * L + l) * N * H + n * H + h]!;
      return dot * scale + bias[(b * S + s) * L + l]!;
    });
    const top = Math.max(...logits);
    const weights = logits.map((x) => Math.exp(x - top));
    const total = weights.reduce((a, w) => a + w, 0);
    for (let h = 0; h < Hv; h++) {
      out[(b * S + s) * N * Hv + n * Hv + h] = weights.reduce((acc, w, l) => acc + (w / total) * v[(b * L + l) * N * Hv + n * Hv + h]!, 0);
    }
  }
  return out;
}

describe('fused ONNX Runtime kernels on CPU', () => {
  it('MultiHeadAttention: keys twice the queries, a per-batch bias and an explicit scale, within 1e-6', async () => {
    const dims = { B: 3, S: 5, L: 10, N: 2, H: 8, Hv: 4 };
    const { B, S, L, N, H, Hv } = dims;
    const b = new GraphBuilder({ name: 'mha', weights: noWeights });
    const shapes = { q: [B, S, N * H], k: [B, L, N * H], v: [B, L, N * Hv], bias: [B, 1, S, L] };
    const [q, k, v, bias] = (['q', 'k', 'v', 'bias'] as const).map((name) => b.input(name, shapes[name]));
    b.output(b.multiHeadAttention(q!, k!, v!, { heads: N, scale: 0.3, attentionBias: bias! }), 'y');
    const feeds = { q: values(B * S * N * H, 1), k: values(B * L * N * H, 2, 1.5), v: values(B * L * N * Hv, 3), bias: values(B * S * L, 4, 3) };
    const out = await run(b, Object.fromEntries((['q', 'k', 'v', 'bias'] as const).map((name) => [name, { data: feeds[name], dims: shapes[name] }])));
    expect(maxAbsDiff(out, attentionReference(feeds.q, feeds.k, feeds.v, dims, 0.3, feeds.bias))).toBeLessThan(1e-6);
  });

  it('MultiHeadAttention nodes carry the com.microsoft domain; a bias the CPU kernel cannot broadcast is refused at build time', () => {
    const b = new GraphBuilder({ name: 'mha-shapes', weights: noWeights });
    const [q, k]: Tensor[] = [b.input('q', [2, 'n', 16]), b.input('k', [2, 'm', 16])];
    b.output(b.multiHeadAttention(q!, k!, k!, { heads: 2 }), 'y');
    expect(b.finish().nodes.find((n) => n.opType === 'MultiHeadAttention')?.domain).toBe(MS_DOMAIN);
    const rowBias = b.input('row_bias', [2, 1, 1, 'm']);
    expect(() => b.multiHeadAttention(b.input('q3', [2, 7, 16]), k!, k!, { heads: 2, attentionBias: rowBias })).toThrow(/attention bias queries/);
    expect(() => b.multiHeadAttention(q!, k!, k!, { heads: 3 })).toThrow(GraphShapeError);
  });

  it('GroupNorm as InstanceNormalization keeps two-pass accuracy on data with a large mean (within 2e-4)', async () => {
    const dims = [2, 8, 3, 6, 5];
    const [groups, eps] = [4, 1e-6];
    const b = new GraphBuilder({ name: 'group-norm', weights: noWeights });
    b.output(b.normalizeGroups(b.input('x', dims), groups, eps), 'y');
    const x = values(dims.reduce((a, d) => a * d, 1), 5, 0.3, 50);
    const out = await run(b, { x: { data: x, dims } });
    const per = x.length / (dims[0]! * groups);
    const expected = new Float64Array(x.length);
    for (let start = 0; start < x.length; start += per) {
      const group = Array.from(x.subarray(start, start + per));
      const mean = group.reduce((a, v) => a + v, 0) / per;
      const variance = group.reduce((a, v) => a + (v - mean) ** 2, 0) / per;
      group.forEach((v, i) => (expected[start + i] = (v - mean) / Math.sqrt(variance + eps)));
    }
    // float32 input at 50 +- 0.3 has a 4e-6 spacing, i.e. 1.3e-5 of a standard deviation: 2e-4 is
    // a few spacings of accumulation; ONNX GroupNormalization's one-pass CPU kernel is off by 3e-2 here.
    expect(maxAbsDiff(out, expected)).toBeLessThan(2e-4);
  });
});
