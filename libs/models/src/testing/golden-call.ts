import path from 'node:path';
import { lvcdTinyFixturesDir } from './fixture-paths.js';
import { SafetensorsFile } from '../formats/index.js';
import { WINDOW_FRAMES } from '../networks/unet/config.js';
import type { DenoiserGraphCall } from '../runtime/denoiser-session.js';
import { denoiserNetworkInput, denoiserTimesteps } from '../schedulers/denoiser.js';

/**
 * The tiny fixtures' golden denoiser evaluation as a graph call (for tests and benchmarks): golden-unet's x at
 * its sigma with golden-cond's conditions, on the 8x16 latent; the caller adds the reference-attention inputs.
 */
export async function goldenDenoiserCall(): Promise<{ call: Omit<DenoiserGraphCall, 'reference'>; x: Float32Array; sigma: number }> {
  const fixtures = lvcdTinyFixturesDir();
  const golden = await SafetensorsFile.open(path.join(fixtures, 'golden-unet.safetensors'));
  const cond = await SafetensorsFile.open(path.join(fixtures, 'golden-cond.safetensors'));
  try {
    const x = await golden.readFloat32('x');
    const sigma = (await golden.readFloat32('sigma'))[0]!;
    const call = {
      input: denoiserNetworkInput(x, await cond.readFloat32('c.concat'), sigma, WINDOW_FRAMES),
      latentHeight: 8,
      latentWidth: 16,
      timesteps: denoiserTimesteps(sigma, WINDOW_FRAMES),
      context: await cond.readFloat32('c.crossattn'),
      vector: await cond.readFloat32('c.vector'),
      hint: await cond.readFloat32('c.control_hint'),
    };
    return { call, x, sigma };
  } finally {
    await Promise.all([golden.close(), cond.close()]);
  }
}
