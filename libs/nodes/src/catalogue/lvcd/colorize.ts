import { defineNode } from '../../runtime/define-node.js';
import { bundleContentHash, chwToImage, colorizeClip } from '@lvcd/models';
import { FramesOutput } from '../frames/frame-io.js';
import { CLIP_INPUTS, DECODING_PARAMS, SAMPLING_PARAMS, clipRequest, decodingOptions, prepareClip, samplingOptions } from './clip-inputs.js';
import { reportedProvenance, resumedReport, windowCheckpointing, withBundle, writeRunReport } from './run-with-bundle.js';
import { estimateClipNode, preflightClip } from './preflight.js';
import type { FramePreview } from '../../runtime/node-type.js';

export const lvcdColorize = defineNode({
  type: 'lvcd/colorize',
  title: 'LVCD Colorize',
  category: 'lvcd',
  description: 'Colours every frame from one coloured reference and the sketches, with LVCD (overlapped windows of 19 frames). Frames stream out as each decoding chunk completes.',
  // 2: a seed means torch's noise as in the original; padding keeps the original's frames.
  version: 2,
  inputs: CLIP_INPUTS,
  outputs: [{ name: 'frames', type: 'FRAMES' }],
  params: [...SAMPLING_PARAMS, ...DECODING_PARAMS],
  provenance: reportedProvenance,
  async estimate(ctx) {
    const { models, sketches } = ctx.inputs;
    return estimateClipNode('LVCD Colorize', models, sketches, ctx.params, decodingOptions(ctx.params));
  },
  async execute(ctx) {
    const models = ctx.inputs.models;
    const clip = await prepareClip(ctx);
    const options = samplingOptions(ctx.params, decodingOptions(ctx.params));
    // Before any model opens: a run that cannot fit fails now, saying what to change.
    await preflightClip('LVCD Colorize', models, clip, ctx.params, options.decoding);
    return withBundle(ctx, models, async (bundle) => {
      const started = performance.now();
      // Frames replayed from an earlier execution's checkpoints were previewed by it: written again, not sent again.
      let replaying = false;
      const previews = { ...ctx, frame: (preview: FramePreview) => void (replaying || ctx.frame(preview)) };
      const output = await FramesOutput.create(previews, clip.sketches.fps, { total: clip.keep, progress: false });
      // Scale-out: finished windows decode on another worker while the next one samples here.
      const offload = ctx.decodeOffload && { decoder: ctx.decodeOffload.decoder({ dir: models.dir, contentHash: bundleContentHash(bundle.manifest), provider: bundle.provider, local: bundle.decoder }), ahead: ctx.decodeOffload.ahead };
      const result = await colorizeClip({
        ...clipRequest(ctx, clip, options, bundle),
        ...windowCheckpointing(ctx),
        ...(offload ? { offload } : {}),
        onFrame: async (index, frame, replayed) => {
          replaying = replayed;
          if (index < clip.keep) await output.push(chwToImage(frame, clip.width, clip.height));
        },
      });
      await writeRunReport(ctx, bundle, { provider: bundle.provider, providers: bundle.providers, precision: bundle.manifest.precision, windows: result.windows, frames: clip.keep, clip: clip.note, seconds: (performance.now() - started) / 1000, ...resumedReport(result), ...(offload ? { decoding: offload.decoder.report() } : {}) });
      return { frames: await output.finish() };
    });
  },
});
