import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShapeOnlyWeightSource } from '../formats/index.js';
import { GraphBuilder, writeOnnxModel } from '../onnx/index.js';
import { createSession, runFloat } from './index.js';

let dir: string;
let modelPath: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-session-'));
  const b = new GraphBuilder({ name: 'double', weights: new ShapeOnlyWeightSource('none', new Map()) });
  b.output(b.scale(b.input('x', ['n']), 2), 'y');
  modelPath = (await writeOnnxModel(b.finish(), { dir, fileName: 'double.onnx', weights: b.weights })).modelPath;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createSession', () => {
  it("'auto' falls back to the CPU when the CUDA provider is missing, and says so", async () => {
    const { session, provider } = await createSession(modelPath, { provider: 'auto' });
    // This machine's onnxruntime-node has no CUDA provider; on a CUDA build this would be 'cuda'.
    expect(['cuda', 'cpu']).toContain(provider);
    const { y } = await runFloat(session, { x: { data: Float32Array.of(1, 2.5), dims: [2] } });
    expect([...y!.data]).toEqual([2, 5]);
    await session.release();
  });

  it("'cpu' runs on the CPU", async () => {
    const { session, provider } = await createSession(modelPath, { provider: 'cpu' });
    expect(provider).toBe('cpu');
    await session.release();
  });

  it("'cuda' either runs on CUDA or fails with a clear message (never silently on the CPU)", async () => {
    const result = await createSession(modelPath, { provider: 'cuda' }).then(
      async ({ session, provider }) => (await session.release(), provider),
      (error: Error) => error.message,
    );
    expect(result === 'cuda' || /CUDA execution provider unavailable/.test(result)).toBe(true);
  });
});
