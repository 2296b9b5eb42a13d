import type { Tensor } from '../../onnx/index.js';
import type { NetworkPlan } from '../unet/block-plan.js';
import { encoderBlocks, middleBlock } from '../unet/encoder.js';
import type { NetworkContext } from '../unet/network-context.js';

/**
 * input_hint_block: conv 3x3 (stride 2 at 4, 8, 12), SiLU between convs, none after the last; the
 * sketch (T, 3, H, W) becomes (T, model_channels, H/8, W/8). Conv positions are the even indices
 * present in the checkpoint, so a differently sized hint encoder maps without code changes.
 */
function inputHintBlock(ctx: NetworkContext, hint: Tensor): Tensor {
  const { b } = ctx;
  return b.scope('input_hint_block', () => {
    const convs: number[] = [];
    for (let i = 0; b.hasWeight(`${i}.weight`); i += 2) convs.push(i);
    if (convs.length === 0) throw new RangeError(`${b.keyOf('0.weight')} is missing`);
    let h = hint;
    convs.forEach((i, n) => {
      // Every other conv after the first pair halves the resolution (4, 8, 12 in LVCD's 8-conv block).
      const stride = i > 0 && i % 4 === 0 ? 2 : 1;
      h = b.conv2d(h, String(i), { stride, pad: 1 });
      if (n < convs.length - 1) h = b.silu(h);
    });
    return h;
  });
}

/**
 * The sketch ControlNet (models/csvd.py ControlNet.forward): the UNet's encoder half with its own
 * weights, the guided hint added once after input_blocks.0, a 1x1 zero conv after every input block
 * and after the middle block. Returns the 13 residuals in order (control scales are all 1).
 */
export function controlNet(ctx: NetworkContext, plan: NetworkPlan, x: Tensor, hint: Tensor): Tensor[] {
  const { b } = ctx;
  const guided = inputHintBlock(ctx, hint);
  ctx.tap('input_hint_block', guided);
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
