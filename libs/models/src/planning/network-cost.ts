import { planNetwork } from '../networks/unet/block-plan.js';
import type { LvcdNetworkConfig, VideoUNetConfig } from '../networks/unet/config.js';
import type { VaeDecoderConfig } from '../networks/vae/vae-config.js';

/**
 * Work and live memory of LVCD's networks from their architecture alone, counted the way the graphs are built
 * (block plans of networks/unet, the hint encoder's convs, the decoder's levels). These are shapes, not timings;
 * the calibration turns them into seconds and bytes (planning/estimate-plan's passSeconds and peaks).
 */
export interface PassCost {
  /** Multiply-accumulates of the convolutions, linear layers and attention products: the multiply units' work. */
  macs: number;
  /**
   * Attention scores (heads x queries x keys, summed over the layers): each is a softmax element (exp, max, sum)
   * and a head-wide dot product, work that does not grow with the channels: a third of a tiny-bundle step at
   * 576x320 (16-wide heads over 5,760 keys), under a tenth of a released one.
   */
  attentionScores: number;
  /**
   * Activation values the pass's ops write, each read back by the next op: convolution and linear outputs, norms,
   * activations, residual adds, the transposes between the spatial and temporal layers, upsampling. They move
   * through memory rather than the multiply units, and are most of the VAE decoder's time (every op of its upper
   * levels writes a tensor of millions of pixels).
   */
  writtenValues: number;
  /** Float32 values alive at once at the pass's widest point (skips, the widest block's temporaries). */
  liveValues: number;
  /** Of those, the attention score matrices (only held when attention is not fused). */
  attentionScoreValues: number;
}

/** Linear layers of one spatial-video transformer per token and frame, in units of c^2 (sgm's BasicTransformerBlock + VideoTransformerBlock). */
const SPATIAL_LINEAR_C2 = 20; // proj_in, q/k/v/out of self-attention, q/out of cross-attention, GEGLU FF (8 + 4), proj_out
const TEMPORAL_LINEAR_C2 = 30; // ff_in (12), self-attention (4), cross-attention (2), FF (12)
/**
 * Values one spatial-video transformer writes per token, in units of c: the spatial block (norms, q/k/v, the key
 * and value pairs gathered from two frames, attention and projections, GEGLU's 8c projection, GELU and product,
 * residual adds: about 44), the temporal block (transposes in and out, norms, attention, adds, ff_in and FF as
 * GEGLUs: about 55), the time embedding, the alpha blend and proj_in/out (about 6).
 */
const TRANSFORMER_WRITES = 105;
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

/** PassCost's work fields, summed op by op. */
class Work {
  macs = 0;
  attentionScores = 0;
  writtenValues = 0;

  /** `count` tensors of `values` values each. */
  write(values: number, count = 1): void {
    this.writtenValues += values * count;
  }

  /** A convolution of `kernel` taps from cin to cout channels at `positions` output positions. */
  conv(positions: number, kernel: number, cin: number, cout: number): void {
    this.macs += positions * kernel * cin * cout;
    this.write(positions * cout);
  }

  /** A video ResBlock (the UNet's and the decoder's have the same ops): spatial ResBlock, temporal ResBlock, alpha blend. */
  resBlock(tokens: number, cin: number, cout: number): void {
    this.conv(tokens, 9, cin, cout);
    this.conv(tokens, 9, cout, cout);
    if (cin !== cout) this.conv(tokens, 1, cin, cout);
    // time_stack ResBlock, video kernel (3, 1, 1): two convs over 3 frames.
    this.conv(tokens, 3, cout, cout);
    this.conv(tokens, 3, cout, cout);
    // Besides the convs: GroupNorm and SiLU on the input and after each conv but the last of a branch, the
    // embedding and residual adds, the transposes to the clip view and back, the blend's products and sum.
    this.write(tokens * cin, 2);
    this.write(tokens * cout, 15);
  }

  /** One spatial-video transformer of width c and `heads` heads, each query attending to `keys` keys. */
  transformer(tokens: number, c: number, heads: number, keys: number): void {
    // Self-attention: QK^T and AV of every token against its frame's keys (reference attention gathers 2 frames' keys).
    this.macs += tokens * (SPATIAL_LINEAR_C2 + TEMPORAL_LINEAR_C2) * c * c + 2 * tokens * keys * c;
    this.attentionScores += heads * tokens * keys;
    this.write(tokens * c, TRANSFORMER_WRITES);
  }

  /** Adds another pass's work to this one. */
  add(other: Pick<PassCost, 'macs' | 'attentionScores' | 'writtenValues'>): void {
    this.macs += other.macs;
    this.attentionScores += other.attentionScores;
    this.writtenValues += other.writtenValues;
  }
}

/** One network (the UNet, or with `encoderOnly` the ControlNet's encoder copy and middle block), with its skip tensors apart. */
function videoUNetCost(config: VideoUNetConfig, g: Geometry, encoderOnly: boolean): PassCost & { skipValues: number } {
  const plan = planNetwork(config);
  const work = new Work();
  let skips = 0;
  let widest = 0;
  let scores = 0;
  let ds = 1;
  let ch = config.modelChannels;
  const tokensAt = (d: number) => g.frames * Math.ceil(g.latentHeight / d) * Math.ceil(g.latentWidth / d);
  const perFrameAt = (d: number) => Math.ceil(g.latentHeight / d) * Math.ceil(g.latentWidth / d);
  const block = (d: number, cin: number, cout: number, heads: number | undefined) => {
    const tokens = tokensAt(d);
    work.resBlock(tokens, cin, cout);
    if (heads !== undefined) {
      work.transformer(tokens, cout, heads, 2 * perFrameAt(d));
      scores = Math.max(scores, 2 * g.frames * heads * perFrameAt(d) * 2 * perFrameAt(d));
      widest = Math.max(widest, tokens * cout * (FF_INNER + 4));
    } else widest = Math.max(widest, tokens * cout * 4);
  };
  for (const b of plan.inputBlocks) {
    if (b.kind === 'conv_in') work.conv(tokensAt(1), 9, config.inChannels, b.outChannels);
    else if (b.kind === 'down') {
      work.conv(tokensAt(ds * 2), 9, ch, ch);
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
        work.conv(tokensAt(ds), 9, ch, ch);
      }
    }
    work.conv(tokensAt(1), 9, ch, config.outChannels);
  }
  return { ...fields(work), liveValues: skips + widest, attentionScoreValues: scores, skipValues: skips };
}

function fields(work: Work): Pick<PassCost, 'macs' | 'attentionScores' | 'writtenValues'> {
  return { macs: work.macs, attentionScores: work.attentionScores, writtenValues: work.writtenValues };
}

/**
 * The ControlNet's hint encoder (input_hint_block, networks/controlnet/hint-encoder.ts) on a window's sketches:
 * eight 3x3 convs with SiLU between them, the 3rd, 5th and 7th with stride 2, from pixel resolution down to the
 * latents. Its widest point is the second conv at pixel resolution: the sketches, that conv's input and output.
 */
function hintEncoderCost(modelChannels: number, g: Geometry): PassCost {
  const work = new Work();
  const widths = [...HINT_WIDTHS, modelChannels];
  const pixels = (d: number) => g.frames * Math.ceil((8 * g.latentHeight) / d) * Math.ceil((8 * g.latentWidth) / d);
  let d = 1;
  let widest = 0;
  for (let n = 0; n < widths.length - 1; n++) {
    const inputValues = pixels(d) * widths[n]!;
    if (n > 0 && n % 2 === 0) d *= 2;
    work.conv(pixels(d), 9, widths[n]!, widths[n + 1]!);
    if (n < widths.length - 2) work.write(pixels(d) * widths[n + 1]!); // the SiLU after it
    widest = Math.max(widest, inputValues + pixels(d) * widths[n + 1]!);
  }
  return { ...fields(work), liveValues: pixels(1) * HINT_WIDTHS[0]! + widest, attentionScoreValues: 0 };
}

/**
 * One denoiser step: the ControlNet (hint encoder included) then the UNet, the ControlNet's residuals held for it.
 * `hintEncoder` is the hint encoder's share: a format 2 bundle runs it once per window, not at every step.
 */
export function denoiserStepCost(config: LvcdNetworkConfig, g: Geometry): PassCost & { hintEncoder: PassCost } {
  const unet = videoUNetCost(config.unet, g, false);
  const control = videoUNetCost(config.controlnet, g, true);
  const hintEncoder = hintEncoderCost(config.controlnet.modelChannels, g);
  const work = new Work();
  for (const part of [unet, control, hintEncoder]) work.add(part);
  return {
    ...fields(work),
    hintEncoder,
    // The hint encoder's full-resolution convs are a peak of their own (before the ControlNet; in a format 2
    // bundle, before the window's steps). The residuals the ControlNet hands over are as large as its skips; the
    // UNet then peaks on top of them.
    liveValues: Math.max(hintEncoder.liveValues, control.liveValues, unet.liveValues + control.skipValues),
    attentionScoreValues: Math.max(unet.attentionScoreValues, control.attentionScoreValues),
  };
}

/** One decode chunk of `frames` latents through the temporal VAE decoder to (frames, 3, H, W). */
export function decoderChunkCost(config: VaeDecoderConfig, frames: number, latentHeight: number, latentWidth: number): PassCost {
  const levels = config.chMult.length;
  const topMult = config.chMult[levels - 1];
  if (topMult === undefined) throw new RangeError('the VAE decoder config has no levels (chMult is empty)');
  const work = new Work();
  let widest = 0;
  const top = config.ch * topMult;
  work.conv(frames * latentHeight * latentWidth, 9, config.zChannels, top);
  let ch = top;
  for (let level = levels - 1; level >= 0; level--) {
    const scale = 2 ** (levels - 1 - level);
    const tokens = frames * latentHeight * scale * latentWidth * scale;
    const cout = config.ch * config.chMult[level]!; // 0 <= level < levels
    // Each video ResBlock holds its input and the normalised copy (the width it comes in at: the level's first
    // block takes the upsampled, wider tensor of the level below), the conv output and the temporal branch.
    widest = Math.max(widest, tokens * (2 * ch + 2 * cout));
    for (let i = 0; i <= config.numResBlocks; i++) {
      work.resBlock(tokens, ch, cout);
      ch = cout;
    }
    if (level > 0) {
      work.write(tokens * 4 * ch); // nearest 2x upsampling, then its conv
      work.conv(tokens * 4, 9, ch, ch);
    }
  }
  // norm_out, SiLU and conv_out at pixel resolution: each level above the first doubled both axes.
  const pixels = frames * 4 ** (levels - 1) * latentHeight * latentWidth;
  work.write(pixels * ch, 2);
  work.conv(pixels, 9, ch, 3);
  return { ...fields(work), liveValues: widest, attentionScoreValues: 0 };
}
