import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShapeOnlyWeightSource } from '../formats/index.js';
import { ort } from '../runtime/ort.js';
import { GraphBuilder, OnnxModelFormatError, declareIntegerConstantsAsInputs, splitInputShapes, writeOnnxModel } from './index.js';

let dir: string;
let model: Uint8Array;

// A softmax over each sample's channels and pixels together: x viewed as (batch, 3 x h x w) through an int64 reshape
// target, scaled by a float32 constant, and viewed back through the input's runtime shape.
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-integer-constants-'));
  const weights = new ShapeOnlyWeightSource('none', new Map());
  const b = new GraphBuilder({ name: 'flat_softmax', weights });
  const x = b.input('x', ['batch', 3, 'height', 'width']);
  const flat = b.softmax(b.mul(b.reshape(x, [0, -1]), b.constant([0.5], [1], 'float32', 'half')), -1);
  b.output(b.reshapeTo(flat, b.shapeOf(x), x.shape), 'y');
  model = await readFile((await writeOnnxModel(b.finish(), { dir, fileName: 'flat_softmax.onnx', weights })).modelPath);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const x = new ort.Tensor('float32', Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => Math.sin(i * 0.3) * 4), [2, 3, 4, 5]);

async function run(bytes: Uint8Array): Promise<{ inputNames: readonly string[]; y: Float32Array }> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled' });
  try {
    return { inputNames: session.inputNames, y: (await session.run({ x }))['y']!.data as Float32Array };
  } finally {
    await session.release();
  }
}

describe('declareIntegerConstantsAsInputs', () => {
  it('declares the int64 initializers as shapeless inputs, and nothing else', () => {
    const declared = splitInputShapes(declareIntegerConstantsAsInputs(model)).inputs;
    expect(declared[0]).toEqual({ name: 'x', isTensor: true, type: 'float32', shape: ['batch', 3, 'height', 'width'] });
    // The reshape target, not the float32 scale.
    expect(declared.slice(1)).toEqual([{ name: expect.stringMatching(/^shape/), isTensor: true, type: 'int64', shape: [] }]);
  });

  it('leaves what ONNX Runtime asks to be fed and what it computes as they were, bit for bit', async () => {
    const before = await run(model);
    const after = await run(declareIntegerConstantsAsInputs(model));
    expect(after.inputNames).toEqual(['x']);
    expect(after.inputNames).toEqual(before.inputNames);
    expect(Array.from(after.y)).toEqual(Array.from(before.y));
    // A softmax per sample: each sample's 60 values sum to 1, so the reshape target really was read.
    expect(after.y.slice(0, 60).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
  });

  it('adds nothing a second time, and refuses what is not a model', () => {
    const once = declareIntegerConstantsAsInputs(model);
    expect(Buffer.from(declareIntegerConstantsAsInputs(once)).equals(Buffer.from(once))).toBe(true);
    expect(() => declareIntegerConstantsAsInputs(new TextEncoder().encode('not a model'))).toThrow(OnnxModelFormatError);
  });
});
