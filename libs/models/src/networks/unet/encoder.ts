import type { Tensor } from '../../onnx/index.js';
import type { NetworkPlan } from './block-plan.js';
import type { NetworkContext } from './network-context.js';
import { videoResBlock } from './resblock.js';
import { spatialVideoTransformer } from './spatial-transformer.js';

/** VideoResBlock followed, where the level has attention, by a SpatialVideoTransformer. */
export function resAttentionBlock(ctx: NetworkContext, x: Tensor, outChannels: number, heads: number | undefined): Tensor {
  const { b } = ctx;
  let h = b.scope('0', () => videoResBlock(b, x, ctx.emb, outChannels));
  if (heads !== undefined) {
    h = b.scope('1', () => spatialVideoTransformer(b, h, {
      context: ctx.context, reference: ctx.reference, referenceLayer: ctx.nextReferenceLayer(), heads,
      attentionFrameGroup: ctx.attentionFrameGroup,
    }));
  }
  return h;
}

/**
 * input_blocks.0..N of the UNet and of the ControlNet (identical layouts). `afterFirst` lets the
 * ControlNet add its guided hint to the output of input_blocks.0. Returns the output of every
 * block (the skip tensors) in order.
 */
export function encoderBlocks(ctx: NetworkContext, plan: NetworkPlan, x: Tensor, afterFirst?: (h: Tensor) => Tensor): Tensor[] {
  const { b } = ctx;
  const outs: Tensor[] = [];
  let h = x;
  for (const block of plan.inputBlocks) {
    h = b.scope(`input_blocks.${block.index}`, () => {
      switch (block.kind) {
        case 'conv_in':
          return b.conv2d(h, '0', { pad: 1 });
        case 'down':
          // Downsample: Conv2d 3x3, stride 2, symmetric padding 1.
          return b.conv2d(h, '0.op', { stride: 2, pad: 1 });
        case 'res':
          return resAttentionBlock(ctx, h, block.outChannels, block.heads);
      }
    });
    ctx.tap(`input_blocks.${block.index}`, h);
    if (block.index === 0 && afterFirst) h = afterFirst(h);
    outs.push(h);
  }
  return outs;
}

/** middle_block: VideoResBlock, SpatialVideoTransformer, VideoResBlock at the lowest resolution. */
export function middleBlock(ctx: NetworkContext, plan: NetworkPlan, x: Tensor): Tensor {
  const { b } = ctx;
  const h = b.scope('middle_block', () => {
    let m = b.scope('0', () => videoResBlock(b, x, ctx.emb, plan.middleChannels));
    m = b.scope('1', () => spatialVideoTransformer(b, m, {
      context: ctx.context, reference: ctx.reference, referenceLayer: ctx.nextReferenceLayer(), heads: plan.middleHeads,
      attentionFrameGroup: ctx.attentionFrameGroup,
    }));
    return b.scope('2', () => videoResBlock(b, m, ctx.emb, plan.middleChannels));
  });
  ctx.tap('middle_block', h);
  return h;
}
