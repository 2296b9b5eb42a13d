import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFile, SafetensorsWeightSource, encodeSafetensors } from '../formats/index.js';
import { ort } from '../runtime/ort.js';
import { GraphBuilder, OnnxModelFormatError, splitInputShapes, writeOnnxModel } from './index.js';

let dir: string;
let modelPath: string;
let weights: SafetensorsWeightSource;

// y = conv(x) + bias, gathered along the channel axis by an int64 index: a float32 input with fixed and symbolic dims,
// an int64 input, and weights in the external data file.
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-input-shapes-'));
  const file = path.join(dir, 'w.safetensors');
  const kernel = Float32Array.from({ length: 4 * 3 * 3 * 3 }, (_, i) => Math.sin(i));
  await writeFile(file, encodeSafetensors({
    'conv.weight': { dtype: 'F32', shape: [4, 3, 3, 3], data: new Uint8Array(kernel.buffer) },
    'conv.bias': { dtype: 'F32', shape: [4], data: new Uint8Array(Float32Array.of(0.5, -1, 2, 0).buffer) },
  }));
  weights = new SafetensorsWeightSource(await SafetensorsFile.open(file));
  const b = new GraphBuilder({ name: 'conv_gather', weights });
  const x = b.input('x', ['batch', 3, 'height', 'width']);
  const index = b.input('index', [2], 'int64');
  b.output(b.gather(b.conv2d(x, 'conv', { pad: 1 }), index, 1), 'y');
  modelPath = (await writeOnnxModel(b.finish(), { dir, fileName: 'conv_gather.onnx', weights })).modelPath;
});
afterAll(async () => {
  await weights.close();
  await rm(dir, { recursive: true, force: true });
});

async function openFromBytes(model: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, { executionProviders: ['cpu'], extra: { session: { model_external_initializers_file_folder_path: dir } } });
}

describe('splitInputShapes', () => {
  it("reads the inputs as ONNX Runtime reads them from the file, and leaves them declared by type only", async () => {
    const original = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'] });
    const { model, inputs } = splitInputShapes(await readFile(modelPath));
    const stripped = await openFromBytes(model);
    try {
      expect(inputs).toEqual(original.inputMetadata);
      expect(inputs.map((i) => i.shape)).toEqual([['batch', 3, 'height', 'width'], [2]]);
      expect(stripped.inputMetadata).toEqual(original.inputMetadata.map((m) => ({ ...m, shape: [] })));
      expect(stripped.outputNames).toEqual(original.outputNames);
    } finally {
      await Promise.all([original.release(), stripped.release()]);
    }
  });

  it('changes nothing the model computes: the same outputs, bit for bit, with the weights read from the data file', async () => {
    const original = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'] });
    const stripped = await openFromBytes(splitInputShapes(await readFile(modelPath)).model);
    try {
      const x = Float32Array.from({ length: 2 * 3 * 5 * 7 }, (_, i) => Math.cos(i * 0.37));
      const feeds = { x: new ort.Tensor('float32', x, [2, 3, 5, 7]), index: new ort.Tensor('int64', BigInt64Array.of(3n, 0n), [2]) };
      const [a, b] = [(await original.run(feeds))['y']!, (await stripped.run(feeds))['y']!];
      expect(b.dims).toEqual([2, 2, 5, 7]);
      expect(Array.from(b.data as Float32Array)).toEqual(Array.from(a.data as Float32Array));
      // The gathered channel 3 has bias 0 and channel 0 bias 0.5: the weights were read, not zeros.
      expect(Math.max(...Array.from(b.data as Float32Array).map(Math.abs))).toBeGreaterThan(1);
    } finally {
      await Promise.all([original.release(), stripped.release()]);
    }
  });

  it('is idempotent: a model without input shapes comes back byte for byte, its inputs with empty shapes', async () => {
    const once = splitInputShapes(await readFile(modelPath));
    const twice = splitInputShapes(once.model);
    expect(Buffer.from(twice.model).equals(Buffer.from(once.model))).toBe(true);
    expect(twice.inputs).toEqual(once.inputs.map((i) => ({ ...i, shape: [] })));
  });

  it('refuses bytes that are not an ONNX model, with a typed error', () => {
    expect(() => splitInputShapes(new TextEncoder().encode('{"not": "onnx"}'))).toThrow(OnnxModelFormatError);
    expect(() => splitInputShapes(new Uint8Array())).toThrow(new OnnxModelFormatError('not an ONNX model: it has 0 graphs, expected 1'));
  });
});
