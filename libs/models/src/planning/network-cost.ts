import { planNetwork } from '../networks/unet/block-plan.js';
import type { LvcdNetworkConfig, VideoUNetConfig } from '../networks/unet/config.js';
import type { VaeDecoderConfig } from '../networks/vae/vae-config.js';

/**
 * Work and live memory of LVCD's networks from their architecture alone, counted the way the graphs are built
 * (block plans of networks/unet, the decoder's levels): multiply-accumulates of the convolutions, linear layers and
 * attention products, and the float32 activations a pass holds at its widest point. These are shapes, not timings;
 * the calibration turns them into seconds and bytes.
 */
export interface PassCost {
  /** Multiply-accumulates of one pass. */
  macs: number;
  /** Float32 values alive at once at the pass's widest point (skips, the widest block's temporaries). */
  liveValues: number;
  /** Of those, the attention score matrices (only held when attention is not fused). */
  attentionScoreValues: number;
}

/** Linear layers of one spatial-video transformer per token and frame, in units of c^2 (sgm's BasicTransformerBlock + VideoTransformerBlock). */
const SPATIAL_LINEAR_C2 = 20; // proj_in, q/k/v/out of self-attention, q/out of cross-attention, GEGLU FF (8 + 4), proj_out
const TEMPORAL_LINEAR_C2 = 30; // ff_in (12), self-attention (4), cross-attention (2), FF (12)
/** GEGLU's inner width (the widest temporary of a transformer) in units of c. */
const FF_INNER = 8;
/** input_hint_block of the released ControlNet: conv widths 16, 16, 32, 32, 96, 96, 256, then model channels (not in the config, fixed by the model). */
const HINT_WIDTHS = [3, 16, 16, 32, 32, 96, 96, 256];

interface Geometry {
  /** Positions per window (19). */
  frames: number;
  latentHeight: number;
  latentWidth: number;
}

function resBlockMacs(tokens: number, cin: number, cout: number): number {
  const spatial = 9 * (cin * cout + cout * cout) + (cin !== cout ? cin * cout : 0);
  const temporal = 2 * 3 * cout * cout; // time_stack ResBlock, video kernel (3, 1, 1)
  return tokens * (spatial + temporal);
}

function transformerMacs(tokens: number, c: number, referenceKeys: number): number {
  // Self-attention: QK^T and AV of every token against its frame's keys (reference attention gathers 2 frames' keys).
  const attention = 2 * tokens * referenceKeys * c;
  return tokens * (SPATIAL_LINEAR_C2 + TEMPORAL_LINEAR_C2) * c * c + attention;
}

/** One network (the UNet, or with `encoderOnly` the ControlNet's encoder copy and middle block), with its skip tensors apart. */
function videoUNetCost(config: VideoUNetConfig, g: Geometry, encoderOnly: boolean): PassCost & { skipValues: number } {
  const plan = planNetwork(config);
  let macs = 0;
  let skips = 0;
  let widest = 0;
  let scores = 0;
  let ds = 1;
  let ch = config.modelChannels;
  const tokensAt = (d: number) => g.frames * Math.ceil(g.latentHeight / d) * Math.ceil(g.latentWidth / d);
  const perFrameAt = (d: number) => Math.ceil(g.latentHeight / d) * Math.ceil(g.latentWidth / d);
  const block = (d: number, cin: number, cout: number, heads: number | undefined) => {
    const tokens = tokensAt(d);
    macs += resBlockMacs(tokens, cin, cout);
    if (heads !== undefined) {
      macs += transformerMacs(tokens, cout, 2 * perFrameAt(d));
      scores = Math.max(scores, 2 * g.frames * heads * perFrameAt(d) * 2 * perFrameAt(d));
      widest = Math.max(widest, tokens * cout * (FF_INNER + 4));
    } else widest = Math.max(widest, tokens * cout * 4);
  };
  for (const b of plan.inputBlocks) {
    if (b.kind === 'conv_in') macs += tokensAt(1) * 9 * config.inChannels * b.outChannels;
    else if (b.kind === 'down') {
      macs += tokensAt(ds * 2) * 9 * ch * ch;
      ds *= 2;
    } else block(ds, ch, b.outChannels, b.heads);
    ch = b.outChannels;
    skips += tokensAt(ds) * ch;
  }
  block(ds, ch, plan.middleChannels, plan.middleHeads);
  block(ds, plan.middleChannels, plan.middleChannels, undefined);
  if (!encoderOnly) {
    const skipWidths = [...plan.skipChannels];
    for (const b of plan.outputBlocks) {
      block(ds, ch + (skipWidths.pop() ?? 0), b.outChannels, b.heads);
      ch = b.outChannels;
      if (b.upsample) {
        ds /= 2;
        macs += tokensAt(ds) * 9 * ch * ch;
      }
    }
    macs += tokensAt(1) * 9 * ch * config.outChannels;
  }
  return { macs, liveValues: skips + widest, attentionScoreValues: scores, skipValues: skips };
}

/**
 * One denoiser step: the ControlNet (hint encoder included) then the UNet, the ControlNet's residuals held for it.
 * `hintEncoderMacs` is the hint encoder's share: a format 2 bundle runs it once per window, not at every step.
 */
export function denoiserStepCost(config: LvcdNetworkConfig, g: Geometry): PassCost & { hintEncoderMacs: number } {
  const unet = videoUNetCost(config.unet, g, false);
  const control = videoUNetCost(config.controlnet, g, true);
  let hintMacs = 0;
  let d = 1;
  for (let i = 1; i < HINT_WIDTHS.length; i++) {
    if (i > 1 && i % 2 === 0) d *= 2; // every other conv after the first pair halves the resolution
    hintMacs += g.frames * Math.ceil((8 * g.latentHeight) / d) * Math.ceil((8 * g.latentWidth) / d) * 9 * HINT_WIDTHS[i - 1]! * HINT_WIDTHS[i]!;
  }
  hintMacs += g.frames * g.latentHeight * g.latentWidth * 9 * HINT_WIDTHS[HINT_WIDTHS.length - 1]! * config.controlnet.modelChannels;
  return {
    macs: unet.macs + control.macs + hintMacs,
    hintEncoderMacs: hintMacs,
    // The residuals the ControlNet hands over are as large as its skips; the UNet then peaks on top of them.
    liveValues: Math.max(control.liveValues, unet.liveValues + control.skipValues),
    attentionScoreValues: Math.max(unet.attentionScoreValues, control.attentionScoreValues),
  };
}

/** One decode chunk of `frames` latents through the temporal VAE decoder to (frames, 3, H, W). */
export function decoderChunkCost(config: VaeDecoderConfig, frames: number, latentHeight: number, latentWidth: number): PassCost {
  const levels = config.chMult.length;
  const topMult = config.chMult[levels - 1];
  if (topMult === undefined) throw new RangeError('the VAE decoder config has no levels (chMult is empty)');
  let macs = 0;
  let widest = 0;
  const top = config.ch * topMult;
  macs += frames * latentHeight * latentWidth * 9 * config.zChannels * top;
  let ch = top;
  for (let level = levels - 1; level >= 0; level--) {
    const scale = 2 ** (levels - 1 - level);
    const tokens = frames * latentHeight * scale * latentWidth * scale;
    const cout = config.ch * config.chMult[level]!; // 0 <= level < levels
    for (let i = 0; i <= config.numResBlocks; i++) {
      macs += tokens * (9 * (ch * cout + cout * cout) + (ch !== cout ? ch * cout : 0) + 2 * 3 * cout * cout);
      ch = cout;
    }
    // Each video ResBlock holds its input, the normalised copy, the conv output and the temporal branch at once.
    widest = Math.max(widest, tokens * ch * 4);
    if (level > 0) macs += tokens * 4 * 9 * ch * ch;
  }
  // conv_out at pixel resolution: each level above the first doubled both axes.
  macs += frames * 4 ** (levels - 1) * latentHeight * latentWidth * 9 * ch * 3;
  return { macs, liveValues: widest, attentionScoreValues: 0 };
}
