import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OverlayWeightSource, ShapeOnlyWeightSource } from '../formats/index.js';
import { readFile } from 'node:fs/promises';
import { lvcdTinyFixturesDir } from '../testing/index.js';
import type { ModelId } from '../runtime/index.js';
import { architectureFromConfigJson, inferArchitecture, planBundleGraphs } from './index.js';

/**
 * Builds every bundle graph as a skeleton from the REAL-size key listings (shapes only, no
 * weights): construction runs all shape checks, and the consumed keys must be exactly the keys
 * each network owns, so the real 9.6 GB conversion is known to map every tensor.
 */
const fixtures = lvcdTinyFixturesDir();
const listing = (name: string) => ShapeOnlyWeightSource.fromListingFile(path.join(fixtures, name));

/** Which listed keys each graph must consume; everything else in the files is unused by design. */
const OWNED: Record<Exclude<ModelId, 'denoiser'>, (key: string) => boolean> = {
  vae_encoder: (k) => k.startsWith('first_stage_model.encoder.'),
  vae_decoder: (k) => k.startsWith('first_stage_model.decoder.'),
  cond_encoder: (k) => k.startsWith('conditioner.embedders.3.encoder.encoder.') || k.startsWith('conditioner.embedders.3.encoder.quant_conv.'),
  clip_visual: (k) => k.startsWith('conditioner.embedders.0.open_clip.model.visual.'),
  hint_encoder: (k) => k.startsWith('control_model.input_hint_block.'),
  lineart: () => true,
};

describe.each([
  ['real', 'keys-real-svd.tsv', 'keys-real-lvcd-ckpt.tsv', { vae_encoder: 106, vae_decoder: 266, cond_encoder: 108, clip_visual: 392, hint_encoder: 16, lineart: 24 }],
  ['tiny', 'keys-tiny-svd.tsv', 'keys-tiny-lvcd-ckpt.tsv', undefined],
] as const)('%s-size key listings', (size, svdListing, lvcdListing, expectedCounts) => {
  it('map every key of the VAE, conditioner encoder, CLIP tower, hint encoder and lineart generator, with fitting shapes', async () => {
    const main = new OverlayWeightSource(await listing(svdListing), await listing(lvcdListing));
    const lineart = await listing('keys-sk.tsv');
    // The tiny CLIP tower's head width (16) and UNet are not the released sizes; the real ones are inferred.
    const tiny = () => readFile(path.join(fixtures, 'tiny-config.json'), 'utf8').then((t) => architectureFromConfigJson(JSON.parse(t)));
    const config = inferArchitecture(main, lineart, size === 'tiny' ? await tiny() : {});
    if (size === 'real') {
      expect(config.vaeEncoder).toEqual({ ch: 128, chMult: [1, 2, 4, 4], numResBlocks: 2, zChannels: 4 });
      expect(config.vaeDecoder).toEqual({ ch: 128, chMult: [1, 2, 4, 4], numResBlocks: 2, zChannels: 4, videoKernelSize: [3, 1, 1] });
      expect(config.clip).toEqual({ width: 1280, layers: 32, heads: 16, patchSize: 14, imageSize: 224, mlpWidth: 5120, embedDim: 1024 });
      expect(config.lineart).toEqual({ residualBlocks: 3 });
    }
    // The denoiser's real-size mapping has its own test (unet/real-size-skeleton.spec.ts).
    for (const plan of planBundleGraphs(main, lineart, config).filter((p) => p.id !== 'denoiser')) {
      const graph = plan.buildGraph('fp32');
      const id = plan.id as Exclude<ModelId, 'denoiser'>;
      const owned = plan.weights.keys().filter(OWNED[id]).sort();
      expect([...graph.consumedKeys].sort(), `${plan.id} consumed keys`).toEqual(owned);
      if (expectedCounts) expect(owned.length, `${plan.id} key count`).toBe(expectedCounts[id]);
    }
  });
});
