/**
 * Hyper-parameters of LVCD's video UNet and its sketch ControlNet (configs/lvcd.yaml). Only what the
 * checkpoint cannot tell is here: widths are checked against the weight shapes while building.
 */
export interface VideoUNetConfig {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly modelChannels: number;
  readonly channelMult: readonly number[];
  readonly numResBlocks: number;
  /** Downsampling factors (1, 2, 4, ...) whose levels carry a spatial-video transformer. */
  readonly attentionResolutions: readonly number[];
  /** Channels per attention head (heads = C / numHeadChannels). */
  readonly numHeadChannels: number;
  readonly contextDim: number;
  readonly admInChannels: number;
}

export interface ControlNetConfig extends VideoUNetConfig {
  readonly hintChannels: number;
}

export interface LvcdNetworkConfig {
  readonly unet: VideoUNetConfig;
  readonly controlnet: ControlNetConfig;
}

/**
 * Positions per sampling window. QUIRK: the masked temporal layers hard-code 14 video frames, and the
 * amplification table has 2*4+11 entries, so the networks only run with 1 + 4 + 14 = 19 positions.
 */
export const WINDOW_FRAMES = 19;
/** The hard-coded 14 of Conv3d_Masked / TemporalAttention_Masked / the positional-embedding branch. */
export const VIDEO_FRAMES = 14;
/** Leading "reference path" positions that the masked temporal layers isolate (19 - 14). */
export const REFERENCE_PATH_FRAMES = WINDOW_FRAMES - VIDEO_FRAMES;

/** The released model (configs/lvcd.yaml). */
export const LVCD_REAL_CONFIG: LvcdNetworkConfig = (() => {
  const unet: VideoUNetConfig = {
    inChannels: 8, outChannels: 4, modelChannels: 320, channelMult: [1, 2, 4, 4], numResBlocks: 2,
    attentionResolutions: [4, 2, 1], numHeadChannels: 64, contextDim: 1024, admInChannels: 768,
  };
  return { unet, controlnet: { ...unet, hintChannels: 3 } };
})();

interface RawNetworkJson {
  in_channels: number;
  out_channels?: number;
  model_channels: number;
  channel_mult: number[];
  num_res_blocks: number;
  attention_resolutions: number[];
  num_head_channels: number;
  context_dim: number;
  adm_in_channels: number;
  hint_channels?: number;
}

/** Reads the `unet` / `controlnet` sections of a tiny-config.json style file (snake_case keys). */
export function networkConfigFromJson(json: { unet: RawNetworkJson; controlnet: RawNetworkJson }): LvcdNetworkConfig {
  const convert = (raw: RawNetworkJson): VideoUNetConfig => ({
    inChannels: raw.in_channels,
    outChannels: raw.out_channels ?? 4,
    modelChannels: raw.model_channels,
    channelMult: raw.channel_mult,
    numResBlocks: raw.num_res_blocks,
    attentionResolutions: raw.attention_resolutions,
    numHeadChannels: raw.num_head_channels,
    contextDim: raw.context_dim,
    admInChannels: raw.adm_in_channels,
  });
  return {
    unet: convert(json.unet),
    controlnet: { ...convert(json.controlnet), hintChannels: json.controlnet.hint_channels ?? 3 },
  };
}

/** Width of the timestep/label embedding (time_embed_dim = 4 * model_channels). */
export function timeEmbedDim(config: VideoUNetConfig): number {
  return config.modelChannels * 4;
}

/**
 * Number of spatial self-attention (reference attention) layers in the encoder half and in the
 * decoder half, in module order. The ControlNet has the encoder half + middle block; the UNet all.
 */
export function referenceLayerCounts(config: VideoUNetConfig): { encoder: number; middle: number; decoder: number } {
  let encoder = 0;
  let decoder = 0;
  let ds = 1;
  config.channelMult.forEach((_, level) => {
    const attn = config.attentionResolutions.includes(ds);
    if (attn) {
      encoder += config.numResBlocks;
      decoder += config.numResBlocks + 1;
    }
    if (level !== config.channelMult.length - 1) ds *= 2;
  });
  return { encoder, middle: 1, decoder };
}
