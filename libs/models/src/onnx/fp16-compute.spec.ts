import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeightSource } from '../formats/index.js';
import { createSession, maxAbsDiff, runFloat } from '../runtime/index.js';
import { FP32_OPS } from './fp16-compute.js';
import { GraphBuilder, OnnxDataType, writeOnnxModel, type BuiltGraph, type WeightPrecision } from './index.js';

// fp16 compute: the pass that turns an fp16-storage graph into one computing in fp16 (onnx/fp16-compute.ts),
// checked on a small network with every kind of op the bundle's graphs use around the float32 islands.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-fp16c-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const values = (n: number, seed: number, scale: number, offset = 0) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * scale + offset);

/** Weights held in memory: a real WeightSource over a few named tensors. */
function memoryWeights(tensors: Record<string, { shape: number[]; data: Float32Array }>): WeightSource {
  return {
    description: 'test weights',
    keys: () => Object.keys(tensors),
    info: (key) => (tensors[key] ? { shape: tensors[key].shape, dtype: 'F32' } : undefined),
    readFloat32: async (key) => tensors[key]!.data.slice(),
    close: async () => undefined,
  };
}

const C = 8;
const weights = memoryWeights({
  'conv.weight': { shape: [C, 4, 3, 3], data: values(C * 4 * 9, 1, 0.3) },
  'conv.bias': { shape: [C], data: values(C, 2, 0.1) },
  'norm.weight': { shape: [C], data: values(C, 3, 0.1, 1) },
  'norm.bias': { shape: [C], data: values(C, 4, 0.1) },
  'ln.weight': { shape: [C], data: values(C, 5, 0.1, 1) },
  'ln.bias': { shape: [C], data: values(C, 6, 0.1) },
  'proj.weight': { shape: [C, C], data: values(C * C, 7, 0.35) },
  'proj.bias': { shape: [C], data: values(C, 8, 0.1) },
});

/** conv, GroupNorm, SiLU, nearest upsampling, LayerNorm, Linear, fused attention, a plain softmax, sin of an input. */
function buildNet(precision: WeightPrecision): BuiltGraph {
  const b = new GraphBuilder({ name: `net_${precision}`, weights, precision });
  const x = b.input('x', [1, 4, 8, 8]);
  const t = b.input('t', [1, C]);
  let h = b.silu(b.groupNorm(b.conv2d(x, 'conv', { pad: 1 }), 'norm', { groups: 2, eps: 1e-5 }));
  h = b.upsampleNearest(h, 2);
  let tokens = b.transpose(b.reshape(h, [1, C, 256]), [0, 2, 1]);
  tokens = b.add(b.layerNorm(tokens, 'ln', { eps: 1e-5 }), b.unsqueeze(b.node('Sin', [t], t.shape), [1]));
  const q = b.linear(tokens, 'proj');
  const attended = b.attention(q, tokens, tokens, 2);
  b.output(b.softmax(b.scale(attended, 4), -1), 'y');
  return b.finish();
}

const feeds = { x: { data: values(4 * 64, 9, 2, 0.5), dims: [1, 4, 8, 8] }, t: { data: values(C, 10, 1.5), dims: [1, C] } };

async function runOnCpu(graph: BuiltGraph): Promise<Float32Array> {
  const written = await writeOnnxModel(graph, { dir, fileName: `${graph.name}.onnx`, weights });
  const { session } = await createSession(written.modelPath, { provider: 'cpu' });
  try {
    return (await runFloat(session, feeds)).y!.data;
  } finally {
    await session.release();
  }
}

describe('fp16 compute graphs', () => {
  const graph = buildNet('fp16-compute');
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const consumers = (value: string) => graph.nodes.filter((n) => n.inputs.includes(value));
  const floatConstants = graph.initializers.flatMap((i) => (i.kind === 'constant' && i.tensor.dataType !== OnnxDataType.INT64 ? [i.tensor] : []));

  it('keep float32 inputs and outputs, and store float constants as fp16 but the Resize scales and the islands\' own', () => {
    expect(graph.precision).toBe('fp16-compute');
    expect([...graph.inputs, ...graph.outputs].map((v) => v.elemType)).toEqual([OnnxDataType.FLOAT, OnnxDataType.FLOAT, OnnxDataType.FLOAT]);
    const float32Reader = (name: string) => consumers(name).every((n) => FP32_OPS.has(n.opType) || (n.opType === 'Resize' && n.inputs[2] === name));
    for (const c of floatConstants) expect([c.name, c.dataType]).toEqual([c.name, float32Reader(c.name) ? OnnxDataType.FLOAT : OnnxDataType.FLOAT16]);
    // The Resize scales and GroupNorm's unit scale and zero bias (InstanceNormalization's) stay float32; the 4x before the softmax is fp16.
    expect(floatConstants.filter((c) => c.dataType === OnnxDataType.FLOAT).length).toBe(3);
    expect(floatConstants.filter((c) => c.dataType === OnnxDataType.FLOAT16).length).toBe(1);
    // The inputs go in through a Cast to fp16 (all but what only the float32 islands read), the output out through one to float32.
    for (const input of ['x', 't']) expect(consumers(input).map((n) => n.opType)).toEqual([input === 'x' ? 'Cast' : 'Sin']);
    const out = graph.nodes.find((n) => n.outputs.includes('y'))!;
    expect(producer.get(out.inputs[0]!)?.opType).toBe('Softmax');
  });

  it('compute normalisation statistics, softmax and the sinusoid in float32, with Casts around them', () => {
    const islands = graph.nodes.filter((n) => FP32_OPS.has(n.opType));
    expect(islands.map((n) => n.opType).sort()).toEqual(['InstanceNormalization', 'LayerNormalization', 'Sin', 'Softmax']);
    for (const n of islands) {
      for (const input of n.inputs.filter((v) => v !== '')) {
        const from = producer.get(input);
        // Float32 by construction: a graph input, an fp32 constant, a Cast to float32 (of an activation or a weight).
        const float32 = graph.inputs.some((i) => i.name === input) || floatConstants.some((c) => c.name === input && c.dataType === OnnxDataType.FLOAT)
          || (from?.opType === 'Cast' && from.attributes['to']?.value === OnnxDataType.FLOAT);
        expect([n.opType, input, float32]).toEqual([n.opType, input, true]);
      }
      // Whatever reads an island's output in fp16 reads it through a Cast (the graph output aside, and the Sin of t,
      // whose Unsqueeze is computed from the input alone and so stays float32 too: next test).
      for (const reader of consumers(n.outputs[0]!).filter((m) => !m.outputs.includes('y') && n.opType !== 'Sin')) expect([n.opType, reader.opType]).toEqual([n.opType, 'Cast']);
    }
    // The only weight Casts left feed LayerNormalization (its scale and bias); the rest read the fp16 weights directly.
    const weightCasts = graph.nodes.filter((n) => n.opType === 'Cast' && graph.initializers.some((i) => i.kind === 'weight' && i.name === n.inputs[0]));
    expect(weightCasts.flatMap((n) => consumers(n.outputs[0]!).map((m) => m.opType))).toEqual(['LayerNormalization', 'LayerNormalization']);
  });

  it('keep what is computed from the inputs alone in float32 (the noise level to its embedding), Cast where it meets fp16', () => {
    const sin = graph.nodes.find((n) => n.opType === 'Sin')!;
    const [unsqueeze] = consumers(sin.outputs[0]!);
    expect(unsqueeze!.opType).toBe('Unsqueeze');
    const [cast] = consumers(unsqueeze!.outputs[0]!);
    expect([cast!.opType, cast!.attributes['to']?.value]).toEqual(['Cast', OnnxDataType.FLOAT16]);
    expect(consumers(cast!.outputs[0]!).map((n) => n.opType)).toEqual(['Add']);
  });

  it('leave the fp32 and fp16-storage graphs as they were: no Casts in fp32, one per weight in fp16 storage', () => {
    expect(buildNet('fp32').nodes.filter((n) => n.opType === 'Cast')).toEqual([]);
    const storage = buildNet('fp16');
    expect(storage.nodes.filter((n) => n.opType === 'Cast').length).toBe(storage.initializers.filter((i) => i.kind === 'weight').length);
  });

  it('load on the CPU (ONNX Runtime runs what lacks an fp16 kernel in float32) and agree with fp32 to fp16 rounding', async () => {
    const reference = await runOnCpu(buildNet('fp32'));
    const storage = await runOnCpu(buildNet('fp16'));
    const compute = await runOnCpu(graph);
    const storageError = maxAbsDiff(storage, reference);
    const computeError = maxAbsDiff(compute, reference);
    // Rounding the activations too costs more than rounding only the weights, and stays at fp16's few 1e-3.
    expect(computeError).toBeGreaterThan(storageError);
    expect(computeError).toBeLessThan(1e-2);
    expect(Math.max(...reference)).toBeGreaterThan(0.05);
  });
});
