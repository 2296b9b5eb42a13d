import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShapeOnlyWeightSource } from '../formats/index.js';
import { GraphBuilder, writeOnnxModel } from '../onnx/index.js';
import { FeedError, createSession, runFloat } from './index.js';

/**
 * Whether CUDA can run here, known independently of ONNX Runtime: its CUDA provider library is where
 * `npm run cuda:install` puts it, and the NVIDIA driver answers. Each test then expects exactly one outcome.
 */
const ortDir = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
const cudaHere = existsSync(path.join(ortDir, 'bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so')) && spawnSync('nvidia-smi', ['-L']).status === 0;

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
  it("'auto' takes CUDA where it runs and falls back to the CPU elsewhere, and says which", async () => {
    const { session, provider } = await createSession(modelPath, { provider: 'auto' });
    expect(provider).toBe(cudaHere ? 'cuda' : 'cpu');
    const { y } = await runFloat(session, { x: { data: Float32Array.of(1, 2.5), dims: [2] } });
    expect([...y!.data]).toEqual([2, 5]);
    await session.release();
  });

  it("'cpu' runs on the CPU", async () => {
    const { session, provider } = await createSession(modelPath, { provider: 'cpu' });
    expect(provider).toBe('cpu');
    await session.release();
  });

  it("'cuda' runs on CUDA where it can, and elsewhere fails with a clear message (never silently on the CPU)", async () => {
    const created = createSession(modelPath, { provider: 'cuda' });
    if (cudaHere) {
      const { session, provider } = await created;
      expect(provider).toBe('cuda');
      await session.release();
    } else {
      await expect(created).rejects.toThrow(/CUDA execution provider unavailable/);
    }
  });
});

describe('runFloat', () => {
  it('checks feeds against the model inputs and names every misfit', async () => {
    const { session } = await createSession(modelPath, { provider: 'cpu' });
    try {
      await expect(runFloat(session, { y: { data: Float32Array.of(1), dims: [1] } }, 'double')).rejects.toThrow(new FeedError('double: unknown input "y"; missing input "x" float32 (n)'));
      await expect(runFloat(session, { x: { data: Float32Array.of(1, 2, 3, 4), dims: [2, 2] } }, 'double')).rejects.toThrow(/double: input "x" expects float32 \(n\), got float32 \(2, 2\)/);
    } finally {
      await session.release();
    }
  });
});
