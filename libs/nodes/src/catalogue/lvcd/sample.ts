import { LatentStoreWriter, sampleClipLatents } from '@lvcd/models';
import { join } from 'node:path';
import type { NodeType } from '../../runtime/node-type.js';
import type { LatentsValue } from '../../runtime/values.js';
import { CLIP_INPUTS, SAMPLING_PARAMS, clipRequest, prepareClip, samplingOptions } from './clip-inputs.js';
import { modelsInput } from './model-bundle.js';
import { withBundle, writeRunReport } from './run-with-bundle.js';

export const lvcdSample: NodeType = {
  type: 'lvcd/sample',
  title: 'LVCD Sample',
  category: 'lvcd',
  description: 'The sampling half of LVCD Colorize: latents for every frame, to decode with LVCD Decode (e.g. to try decoding settings without sampling again).',
  version: 1,
  inputs: CLIP_INPUTS,
  outputs: [{ name: 'latents', type: 'LATENTS' }],
  params: SAMPLING_PARAMS,
  async execute(ctx) {
    const models = modelsInput(ctx);
    const clip = await prepareClip(ctx);
    const options = samplingOptions(ctx);
    return withBundle(ctx, models, async (bundle) => {
      const store = await LatentStoreWriter.create(join(ctx.outDir, 'latents'), [4, clip.height / 8, clip.width / 8]);
      const result = await sampleClipLatents({
        ...clipRequest(ctx, clip, options, bundle),
        onLatent: (_index, latent) => store.append(latent),
      });
      await writeRunReport(ctx, { provider: bundle.provider, precision: bundle.manifest.precision, windows: result.windows, frames: clip.keep, clip: clip.note });
      const latents: LatentsValue = { kind: 'latents', ...(await store.finish()), bundle: models, keep: clip.keep, fps: clip.sketches.fps };
      return { latents };
    });
  },
};
