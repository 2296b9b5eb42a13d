import { defineNode } from '../../runtime/define-node.js';
import { bundleGeometry, latentSize, LatentStoreWriter, sampleClipLatents } from '@lvcd/models';
import { join } from 'node:path';
import type { LatentsValue } from '../../runtime/values.js';
import { CLIP_INPUTS, SAMPLING_PARAMS, clipRequest, prepareClip, samplingOptions } from './clip-inputs.js';
import { estimateClipNode, preflightClip } from './preflight.js';
import { reportedProvenance, resumedReport, windowCheckpointing, withBundle, writeRunReport } from './run-with-bundle.js';

export const lvcdSample = defineNode({
  type: 'lvcd/sample',
  title: 'LVCD Sample',
  category: 'lvcd',
  description: 'The sampling half of LVCD Colorize: latents for every frame, to decode with LVCD Decode (e.g. to try decoding settings without sampling again).',
  // 2: a seed means torch's noise as in the original; padding keeps the original's frames.
  version: 2,
  inputs: CLIP_INPUTS,
  outputs: [{ name: 'latents', type: 'LATENTS' }],
  params: SAMPLING_PARAMS,
  provenance: reportedProvenance,
  async estimate(ctx) {
    const { models, sketches } = ctx.inputs;
    return estimateClipNode('LVCD Sample', models, sketches, ctx.params);
  },
  async execute(ctx) {
    const models = ctx.inputs.models;
    const clip = await prepareClip(ctx);
    const options = samplingOptions(ctx.params);
    // Before any model opens: a run that cannot fit fails now, saying what to change.
    await preflightClip('LVCD Sample', models, clip, ctx.params);
    return withBundle(ctx, models, async (bundle) => {
      const geometry = bundleGeometry(bundle.manifest.config);
      const { latentHeight, latentWidth } = latentSize(geometry, clip.height, clip.width);
      const store = await LatentStoreWriter.create(join(ctx.outDir, 'latents'), [geometry.latentChannels, latentHeight, latentWidth]);
      const result = await sampleClipLatents({
        ...clipRequest(ctx, clip, options, bundle),
        // Latents replayed from an earlier execution's checkpoints are stored like sampled ones: the store starts empty.
        ...windowCheckpointing(ctx),
        onLatent: (_index, latent) => store.append(latent),
      });
      await writeRunReport(ctx, bundle, { provider: bundle.provider, providers: bundle.providers, precision: bundle.manifest.precision, windows: result.windows, frames: clip.keep, clip: clip.note, ...resumedReport(result) });
      const latents: LatentsValue = { kind: 'latents', ...(await store.finish()), bundle: models, keep: clip.keep, fps: clip.sketches.fps };
      return { latents };
    });
  },
});
