import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFile, SafetensorsWeightSource, ShapeOnlyWeightSource, encodeSafetensors } from '../formats/index.js';
import { createSession, maxAbsDiff, runFloat } from '../runtime/index.js';
import { GraphBuilder, GraphShapeError, writeOnnxModel, type WeightPrecision } from './index.js';

let dir: string;
let weights: SafetensorsWeightSource;
// Linear 3 -> 4 and a GroupNorm(2 groups, 4 channels), with fixed pseudo-random values.
const W = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
const B = Float32Array.from({ length: 4 }, (_, i) => 0.1 * i - 0.2);
const G = Float32Array.from([1.5, -0.5, 2, 0.25]);
const Beta = Float32Array.from([0, 0.1, -0.1, 0.3]);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-onnx-'));
  const bytes = (a: Float32Array) => new Uint8Array(a.buffer);
  const file = path.join(dir, 'w.safetensors');
  await writeFile(file, encodeSafetensors({
    'block.fc.weight': { dtype: 'F32', shape: [4, 3], data: bytes(W) },
    'block.fc.bias': { dtype: 'F32', shape: [4], data: bytes(B) },
    'block.norm.weight': { dtype: 'F32', shape: [4], data: bytes(G) },
    'block.norm.bias': { dtype: 'F32', shape: [4], data: bytes(Beta) },
  }));
  weights = new SafetensorsWeightSource(await SafetensorsFile.open(file));
});
afterAll(async () => {
  await weights.close();
  await rm(dir, { recursive: true, force: true });
});

/** y = GroupNorm(gelu(x W^T + b)) on (batch, 4, 1, 1) computed in plain JS. */
function reference(x: Float32Array, batch: number): Float32Array {
  const out = new Float32Array(batch * 4);
  const erf = (v: number) => { // Abramowitz-Stegun 7.1.26 is too coarse; integrate instead
    let sum = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) { const t = (v * (i + 0.5)) / n; sum += Math.exp(-t * t); }
    return (2 / Math.sqrt(Math.PI)) * sum * (v / n);
  };
  for (let n = 0; n < batch; n++) {
    const h = [0, 1, 2, 3].map((o) => {
      const lin = B[o]! + [0, 1, 2].reduce((s, i) => s + x[n * 3 + i]! * W[o * 3 + i]!, 0);
      return 0.5 * lin * (1 + erf(lin / Math.SQRT2));
    });
    for (const g of [0, 1]) {
      const vals = [h[2 * g]!, h[2 * g + 1]!];
      const mean = (vals[0]! + vals[1]!) / 2;
      const variance = ((vals[0]! - mean) ** 2 + (vals[1]! - mean) ** 2) / 2;
      vals.forEach((v, j) => {
        const c = 2 * g + j;
        out[n * 4 + c] = ((v - mean) / Math.sqrt(variance + 1e-5)) * G[c]! + Beta[c]!;
      });
    }
  }
  return out;
}

function build(precision: WeightPrecision) {
  const b = new GraphBuilder({ name: 'tiny', weights, precision });
  const x = b.input('x', ['batch', 3]);
  const y = b.scope('block', () => {
    const h = b.gelu(b.linear(x, 'fc'));
    return b.groupNorm(b.reshape(h, [0, 4, 1, 1], ['batch', 4, 1, 1]), 'norm', { groups: 2, eps: 1e-5 });
  });
  b.output(y, 'y', ['batch', 4, 1, 1]);
  return b;
}

describe('GraphBuilder + ONNX writer', () => {
  it.each(['fp32', 'fp16'] as const)('writes a %s model with external data that onnxruntime runs', async (precision) => {
    const b = build(precision);
    expect([...b.consumedKeys].sort()).toEqual(weights.keys().sort());
    const written = await writeOnnxModel(b.finish(), { dir, fileName: `tiny-${precision}.onnx`, weights });
    expect((await stat(written.dataPath)).size).toBe(written.dataBytes);
    expect(written.dataBytes).toBeGreaterThanOrEqual((precision === 'fp16' ? 2 : 4) * 24);
    // The weights live in the side file, not in the protobuf.
    expect((await readFile(written.modelPath)).includes(Buffer.from(G.buffer))).toBe(false);
    const { session, provider } = await createSession(written.modelPath, { provider: 'auto' });
    expect(provider).toBe('cpu');
    const x = Float32Array.from({ length: 6 }, (_, i) => i * 0.3 - 0.7);
    const { y } = await runFloat(session, { x: { data: x, dims: [2, 3] } });
    expect(y!.dims).toEqual([2, 4, 1, 1]);
    expect(maxAbsDiff(y!.data, reference(x, 2))).toBeLessThan(precision === 'fp16' ? 2e-2 : 1e-5);
    await session.release();
  });

  it('catches shape mistakes at build time', () => {
    const b = new GraphBuilder({ name: 'bad', weights });
    const x = b.input('x', [1, 5]);
    expect(() => b.scope('block', () => b.linear(x, 'fc'))).toThrow(GraphShapeError);
    expect(() => b.weight('block.fc.weight', [3, 4])).toThrow(/expected \[3, 4\], checkpoint has \[4, 3\]/);
    expect(() => b.weight('missing.weight')).toThrow(/not in/);
    const skeleton = new GraphBuilder({ name: 's', weights: new ShapeOnlyWeightSource('listing', new Map([['c.weight', [8, 4, 3, 3]]])) });
    const img = skeleton.input('img', [1, 3, 'h', 'w']);
    expect(() => skeleton.conv2d(img, 'c', { bias: false })).toThrow(/input channels/);
  });
});
