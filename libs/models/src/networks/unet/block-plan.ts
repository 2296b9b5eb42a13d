import type { VideoUNetConfig } from './config.js';

/**
 * The block layout of sgm's VideoUNet / LVCD's ControlNet (openaimodel.py construction loop) from the
 * config: which module sits in each `input_blocks.N` / `output_blocks.N`, with its widths. Both
 * networks share the encoder layout, so their weights have the same key names under their prefixes.
 */
export type InputBlockPlan =
  | { readonly kind: 'conv_in'; readonly index: number; readonly outChannels: number }
  | { readonly kind: 'res'; readonly index: number; readonly outChannels: number; readonly heads: number | undefined }
  | { readonly kind: 'down'; readonly index: number; readonly outChannels: number };

export interface OutputBlockPlan {
  readonly index: number;
  readonly outChannels: number;
  /** Transformer heads when the block has a SpatialVideoTransformer at sub-index 1. */
  readonly heads: number | undefined;
  /** Whether the block ends with an Upsample (at sub-index 1 or 2). */
  readonly upsample: boolean;
}

export interface NetworkPlan {
  readonly inputBlocks: readonly InputBlockPlan[];
  /** Channels after each input block: the skip tensors and the ControlNet zero-conv widths. */
  readonly skipChannels: readonly number[];
  readonly middleChannels: number;
  readonly middleHeads: number;
  readonly outputBlocks: readonly OutputBlockPlan[];
}

export function planNetwork(config: VideoUNetConfig): NetworkPlan {
  const mc = config.modelChannels;
  const headsOf = (channels: number) => channels / config.numHeadChannels;
  const inputBlocks: InputBlockPlan[] = [{ kind: 'conv_in', index: 0, outChannels: mc }];
  const skipChannels = [mc];
  let ch = mc;
  let ds = 1;
  const levels = config.channelMult.length;
  config.channelMult.forEach((mult, level) => {
    for (let r = 0; r < config.numResBlocks; r++) {
      ch = mult * mc;
      const attention = config.attentionResolutions.includes(ds);
      inputBlocks.push({ kind: 'res', index: inputBlocks.length, outChannels: ch, heads: attention ? headsOf(ch) : undefined });
      skipChannels.push(ch);
    }
    if (level !== levels - 1) {
      inputBlocks.push({ kind: 'down', index: inputBlocks.length, outChannels: ch });
      skipChannels.push(ch);
      ds *= 2;
    }
  });
  const outputBlocks: OutputBlockPlan[] = [];
  [...config.channelMult].reverse().forEach((mult, reversedLevel) => {
    const level = levels - 1 - reversedLevel;
    for (let i = 0; i <= config.numResBlocks; i++) {
      ch = mult * mc;
      const attention = config.attentionResolutions.includes(ds);
      const upsample = level > 0 && i === config.numResBlocks;
      outputBlocks.push({ index: outputBlocks.length, outChannels: ch, heads: attention ? headsOf(ch) : undefined, upsample });
      if (upsample) ds /= 2;
    }
  });
  const middleChannels = skipChannels[skipChannels.length - 1]!;
  return { inputBlocks, skipChannels, middleChannels, middleHeads: headsOf(middleChannels), outputBlocks };
}
