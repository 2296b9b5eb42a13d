import type { Tensor } from '../../onnx/index.js';
import type { NetworkPlan } from './block-plan.js';
import { encoderBlocks, middleBlock, resAttentionBlock } from './encoder.js';
import type { NetworkContext } from './network-context.js';
import { GraphShapeError } from '../../onnx/index.js';

/**
 * LVCD's ControlledVideoUNet forward (models/csvd.py): encoder, middle block + control[12], then
 * each output block on concat_channels[h, skip + control], and the output head. The control is added
 * to the skip tensors as they are popped and to the middle output, never to the encoder's main path.
 * With `control` undefined the plain SVD UNet results.
 */
export function controlledVideoUNet(ctx: NetworkContext, plan: NetworkPlan, x: Tensor, control: readonly Tensor[] | undefined): Tensor {
  const { b } = ctx;
  if (control && control.length !== plan.skipChannels.length + 1) {
    throw new GraphShapeError(`the UNet takes ${plan.skipChannels.length + 1} control residuals, got ${control.length}`);
  }
  const skips = encoderBlocks(ctx, plan, x);
  let h = middleBlock(ctx, plan, skips[skips.length - 1]!);
  if (control) h = b.add(h, control[control.length - 1]!);
  for (const block of plan.outputBlocks) {
    const k = skips.length - 1 - block.index;
    const skip = control ? b.add(skips[k]!, control[k]!) : skips[k]!;
    const input = b.concat([h, skip], 1);
    h = b.scope(`output_blocks.${block.index}`, () => {
      let o = resAttentionBlock(ctx, input, block.outChannels, block.heads);
      if (block.upsample) {
        // Upsample: nearest x2, then Conv2d 3x3 pad 1.
        const sub = block.heads === undefined ? '1' : '2';
        o = b.conv2d(b.upsampleNearest(o, 2), `${sub}.conv`, { pad: 1 });
      }
      return o;
    });
    ctx.tap(`output_blocks.${block.index}`, h);
  }
  // out: GroupNorm32 (eps 1e-5), SiLU, Conv2d 3x3 to out_channels.
  const out = b.scope('out', () => b.conv2d(b.silu(b.groupNorm(h, '0', { groups: 32, eps: 1e-5 })), '2', { pad: 1 }));
  ctx.tap('out', out);
  return out;
}
