import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { detectProvider, probeModel } from './provider.js';

describe('detectProvider', () => {
  it('probes with a model that really runs, so a CPU answer means CUDA did not load, not a broken probe', async () => {
    const session = await ort.InferenceSession.create(probeModel(), { executionProviders: ['cpu'] });
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(3.5), [1]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([3.5]);
  });

  it('answers cpu when asked for cpu, and a real provider for auto', async () => {
    expect(await detectProvider('cpu')).toBe('cpu');
    // CI machines have no GPU and no CUDA provider library; a GPU machine with `npm run cuda:install` says cuda.
    const expected = process.env.LVCD_EXPECT_PROVIDER ?? 'cpu';
    expect(await detectProvider('auto')).toBe(expected);
  });
});
