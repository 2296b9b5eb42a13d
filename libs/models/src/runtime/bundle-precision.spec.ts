import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertTinyBundle } from '../testing/index.js';
import { bundleContentHash, precisionRefusal, type BundleManifest, type ModelId, validateManifest } from './bundle-manifest.js';
import { openLvcdBundle, readBundleManifest } from './bundle-networks.js';
import { createSession } from './session.js';

// A bundle converted with precision 'fp16-compute': what its manifest says, and where it may run.
let dir: string;
let manifest: BundleManifest;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-precision-'));
  await convertTinyBundle(dir, { frame: { width: 128, height: 64 }, lineart: true, precision: 'fp16-compute' });
  manifest = await readBundleManifest(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an fp16-compute bundle', () => {
  it('says its precision in the manifest, which its content hash includes', () => {
    expect(manifest.precision).toBe('fp16-compute');
    expect(bundleContentHash(manifest)).not.toBe(bundleContentHash({ ...manifest, precision: 'fp16' }));
    expect(validateManifest({ ...manifest, precision: 'fp8' })).toEqual(['precision must be one of fp32, fp16, fp16-compute']);
  });

  it('is refused on the CPU, saying which precisions run there', async () => {
    await expect(openLvcdBundle(dir, 'cpu', manifest)).rejects.toThrow(/cannot run on the CPU: it computes in fp16 .*--precision fp32, or --precision fp16 \(fp16 weights, float32 compute\)/);
    expect(precisionRefusal('fp16-compute', 'cuda')).toBeUndefined();
    expect(precisionRefusal('fp16', 'cpu')).toBeUndefined();
  });

  // The denoiser (thousands of nodes, half a minute to open here) is opened by bench/gpu-proof.sh --provider cpu --tiny.
  it.each(['lineart', 'vae_encoder', 'vae_decoder', 'cond_encoder', 'clip_visual', 'hint_encoder'] as ModelId[])(
    "has a %s graph that still loads in ONNX Runtime's CPU provider (which runs the ops it lacks fp16 kernels for in float32)",
    async (id) => {
      const { session, provider } = await createSession(path.join(dir, manifest.models[id]!.file), { provider: 'cpu' });
      expect(provider).toBe('cpu');
      await session.release();
    },
  );
});
