import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertTinyBundle } from '../testing/index.js';
import { bundleContentHash } from './bundle-manifest.js';
import { readBundleManifest } from './bundle-networks.js';
import { acquireBundle, isBundleOpen, openBundleCount, setBundleIdleTimeout } from './bundle-pool.js';

let dir: string;
let bundle: string;

async function convert(fp16: boolean): Promise<void> {
  await convertTinyBundle(bundle, { frame: { width: 128, height: 64 }, ...(fp16 ? { precision: 'fp16' as const } : {}) });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-pool-'));
  bundle = path.join(dir, 'tiny');
  await convert(false);
});
afterAll(async () => {
  setBundleIdleTimeout(5 * 60_000);
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** One denoiser step's inputs for 64x128 frames (8x16 latents), values that need not mean anything. */
const tinyStep = () => ({
  context: new Float32Array(64),
  vector: new Float32Array(768),
  input: Float32Array.from({ length: 19 * 8 * 8 * 16 }, (_, i) => Math.sin(i)),
  hint: new Float32Array(19 * 3 * 64 * 128).fill(1),
});

describe('the bundle pool', () => {
  it('shares one opened bundle between users and closes it once idle for the timeout; its weights count as held once its denoiser ran', async () => {
    setBundleIdleTimeout(300);
    const a = await acquireBundle(bundle, 'cpu');
    const b = await acquireBundle(bundle, 'cpu');
    expect(b.bundle).toBe(a.bundle);
    const hash = bundleContentHash(await readBundleManifest(bundle));
    // Sessions open on first use: nothing of the weights is held yet.
    expect(isBundleOpen(bundle, 'cpu', hash)).toBe(false);
    const { context, vector, input, hint } = tinyStep();
    await a.bundle.denoiser(context, vector, 8, 16).run({ input, cNoise: 0.5, hint, attention: 'normal' });
    expect(isBundleOpen(bundle, 'cpu', hash)).toBe(true);
    a.release();
    b.release();
    expect(openBundleCount()).toBe(1);
    await sleep(700);
    expect(isBundleOpen(bundle, 'cpu', hash)).toBe(false);
    expect(openBundleCount()).toBe(0);
  });

  it('opens a re-converted bundle afresh instead of serving the old sessions', async () => {
    setBundleIdleTimeout(60_000);
    const before = await acquireBundle(bundle, 'cpu');
    expect(before.bundle.manifest.precision).toBe('fp32');
    before.release();
    await convert(true);
    const after = await acquireBundle(bundle, 'cpu');
    expect(after.bundle).not.toBe(before.bundle);
    expect(after.bundle.manifest.precision).toBe('fp16');
    // The old content was idle, so asking for the new one closed it.
    expect(openBundleCount()).toBe(1);
    after.release();
    setBundleIdleTimeout(0);
    const last = await acquireBundle(bundle, 'cpu');
    last.release();
    expect(openBundleCount()).toBe(0);
  });
});
