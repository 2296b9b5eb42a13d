import type { Tensor } from '../../onnx/index.js';
import type { NetworkPlan } from '../unet/block-plan.js';
import { encoderBlocks, middleBlock } from '../unet/encoder.js';
import type { NetworkContext } from '../unet/network-context.js';
import { inputHintBlock } from './hint-encoder.js';

/**
 * The sketch ControlNet (models/csvd.py ControlNet.forward): the UNet's encoder half with its own
 * weights, the guided hint added once after input_blocks.0, a 1x1 zero conv after every input block
 * and after the middle block. Returns the 13 residuals in order (control scales are all 1). The hint is the
 * sketches, encoded here, or the hint encoder's output computed apart (once per window, see hint-encoder.ts).
 */
export function controlNet(ctx: NetworkContext, plan: NetworkPlan, x: Tensor, hint: { sketches: Tensor } | { features: Tensor }): Tensor[] {
  const { b } = ctx;
  let guided: Tensor;
  if ('sketches' in hint) {
    guided = inputHintBlock(b, hint.sketches);
    ctx.tap('input_hint_block', guided);
  } else guided = hint.features;
  const outs = encoderBlocks(ctx, plan, x, (h) => b.add(h, guided));
  const residuals = outs.map((h, k) => {
    const r = b.conv2d(h, `zero_convs.${k}.0`);
    ctx.tap(`zero_convs.${k}`, r);
    return r;
  });
  const middle = middleBlock(ctx, plan, outs[outs.length - 1]!);
  const mid = b.conv2d(middle, 'middle_block_out.0');
  ctx.tap('middle_block_out', mid);
  return [...residuals, mid];
}
