import { defineNode } from '../../runtime/define-node.js';
import { bundleGeometry, chwToImage, DecodeStream, outputFrameCount, readLatent, windowCount } from '@lvcd/models';
import { NodeError, throwIfCancelled } from '../../runtime/node-type.js';
import type { Value } from '../../runtime/values.js';
import { FramesOutput } from '../frames/frame-io.js';
import { DECODING_PARAMS, decodingOptions } from './clip-inputs.js';
import { reportedProvenance, withBundle, writeRunReport } from './run-with-bundle.js';

export const lvcdDecode = defineNode({
  type: 'lvcd/decode',
  title: 'LVCD Decode',
  category: 'lvcd',
  description: 'Decodes LVCD latents to frames with the temporal VAE decoder, in chunks led by the reference latent.',
  // 2: padded latents decode the original's frames in the original's chunks.
  version: 2,
  inputs: [{ name: 'latents', type: 'LATENTS' }],
  outputs: [{ name: 'frames', type: 'FRAMES' }],
  params: DECODING_PARAMS,
  provenance: reportedProvenance,
  async execute(ctx) {
    const { latents } = ctx.inputs;
    const decoding = decodingOptions(ctx.params);
    const [, h, w] = latents.shape;
    return withBundle(ctx, latents.bundle, async (bundle) => {
      const output = await FramesOutput.create(ctx, latents.fps, { total: latents.keep });
      // Latents past what the original gives for the kept frames come from padding: decoded in chunks of their own.
      const original = Math.min(latents.count, outputFrameCount(windowCount(latents.keep)));
      const { latentFactor, scaleFactor } = bundleGeometry(bundle.manifest.config);
      const stream = new DecodeStream({
        decoder: bundle.decoder,
        scaleFactor,
        totalLatents: latents.count,
        config: decoding,
        onFrame: async (index, frame) => {
          if (index < latents.keep) await output.push(chwToImage(frame, w * latentFactor, h * latentFactor));
        },
        originalLatents: original,
        signal: ctx.signal,
      });
      for (let i = 0; i < latents.count; i++) {
        throwIfCancelled(ctx.signal);
        await stream.push(i, await readLatent(latents, i));
      }
      await writeRunReport(ctx, bundle, { provider: bundle.provider, providers: bundle.providers, precision: bundle.manifest.precision, frames: latents.keep, latents: latents.count });
      return { frames: await output.finish() };
    });
  },
});
