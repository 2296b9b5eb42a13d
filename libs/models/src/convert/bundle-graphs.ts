import type { WeightSource } from '../formats/weight-source.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { AttentionForm, BuiltGraph, WeightPrecision } from '../onnx/graph-core.js';
import { inferClipVisionConfig } from '../networks/clip/clip-config.js';
import { buildClipVisual } from '../networks/clip/clip-visual.js';
import { buildLineart, inferLineartConfig } from '../networks/lineart/lineart.js';
import type { ArchitectureConfig, ModelId } from '../runtime/bundle-manifest.js';
import { inferVaeDecoderConfig, inferVaeEncoderConfig } from '../networks/vae/vae-config.js';
import { buildVaeDecoder } from '../networks/vae/vae-decoder.js';
import { buildCondEncoder, buildVaeEncoder } from '../networks/vae/vae-encoder.js';
import { LVCD_REAL_CONFIG, WINDOW_FRAMES, type LvcdNetworkConfig } from '../networks/unet/config.js';
import { buildDenoiserGraph, CONTROLNET_PREFIX, UNET_PREFIX } from '../networks/denoiser/denoiser-graph.js';
import { buildHintEncoder } from '../networks/controlnet/hint-encoder.js';

/** SVD's first-stage latent scale factor (configs/lvcd.yaml). */
export const SCALE_FACTOR = 0.18215;
/** LVCD runs at 576x320 (height 320, width 576). */
export const DEFAULT_FRAME = { height: 320, width: 576 } as const;

export const MODEL_PREFIX = {
  vaeEncoder: 'first_stage_model.encoder.',
  vaeDecoder: 'first_stage_model.decoder.',
  condEncoder: 'conditioner.embedders.3.encoder.encoder.',
  clip: 'conditioner.embedders.0.open_clip.model.visual.',
} as const;

export interface ArchitectureOptions {
  readonly frame?: { readonly height: number; readonly width: number };
  /** CLIP head width when the tower width is not a known open_clip config. */
  readonly clipHeadWidth?: number;
  /** UNet/ControlNet hyper-parameters when the checkpoint is not the released model's size. */
  readonly network?: LvcdNetworkConfig;
}

export class UnknownArchitectureError extends Error {
  override name = 'UnknownArchitectureError';
}

/**
 * The released model's UNet is 320 channels wide; anything else (e.g. test checkpoints) must come with its
 * config, as attention head widths and levels cannot be read off the weight shapes.
 */
function inferNetworkConfig(shape: (key: string) => readonly number[] | undefined, given: LvcdNetworkConfig | undefined): LvcdNetworkConfig {
  if (given) return given;
  const width = shape(`${UNET_PREFIX}.input_blocks.0.0.weight`)?.[0];
  if (width === LVCD_REAL_CONFIG.unet.modelChannels) return LVCD_REAL_CONFIG;
  throw new UnknownArchitectureError(`the UNet is ${width ?? 'missing'} channels wide, not the released LVCD's ${LVCD_REAL_CONFIG.unet.modelChannels}: pass its architecture config (lvcd convert --config FILE)`);
}

/** Reads the architecture off the checkpoint shapes (nothing hard-coded per model size). */
export function inferArchitecture(main: WeightSource, lineart: WeightSource | undefined, options: ArchitectureOptions = {}): ArchitectureConfig {
  const shape = (key: string) => main.info(key)?.shape;
  return {
    vaeEncoder: inferVaeEncoderConfig(shape, MODEL_PREFIX.vaeEncoder),
    vaeDecoder: inferVaeDecoderConfig(shape, MODEL_PREFIX.vaeDecoder),
    condEncoder: inferVaeEncoderConfig(shape, MODEL_PREFIX.condEncoder),
    clip: inferClipVisionConfig(shape, MODEL_PREFIX.clip, options.clipHeadWidth),
    ...(lineart ? { lineart: inferLineartConfig((k) => lineart.info(k) !== undefined) } : {}),
    denoiser: inferNetworkConfig(shape, options.network),
    frame: options.frame ?? DEFAULT_FRAME,
    scaleFactor: SCALE_FACTOR,
    // The denoiser graph is built for this many positions (networks/unet/config): recorded for the pipeline.
    windowFrames: WINDOW_FRAMES,
  };
}

/** One ONNX file of the bundle: where its weights come from and how its graph is built. */
export interface GraphPlan {
  readonly id: ModelId;
  readonly fileName: string;
  readonly description: string;
  readonly weights: WeightSource;
  /** Builds the graph (shapes only: no weight is read until the model is written). */
  readonly buildGraph: (precision: WeightPrecision) => BuiltGraph;
}

/** A plan whose graph is one builder function over the plan's weights. */
function builderPlan(id: ModelId, fileName: string, description: string, weights: WeightSource, attention: AttentionForm, build: (b: GraphBuilder) => void): GraphPlan {
  return {
    id, fileName, description, weights,
    buildGraph: (precision) => {
      const b = new GraphBuilder({ name: id, weights, precision, attention });
      build(b);
      return b.finish();
    },
  };
}

/** Choices about how the graphs are built (not what they compute). */
export interface BundleGraphOptions {
  /** Every graph's attention form: 'fused' (default, CPU and CUDA) or 'plain' for a provider without MultiHeadAttention. */
  readonly attention?: AttentionForm;
}

export function planBundleGraphs(main: WeightSource, lineart: WeightSource | undefined, config: ArchitectureConfig, options: BundleGraphOptions = {}): GraphPlan[] {
  const attention = options.attention ?? 'fused';
  const plan = (id: ModelId, fileName: string, description: string, weights: WeightSource, build: (b: GraphBuilder) => void) =>
    builderPlan(id, fileName, description, weights, attention, build);
  const plans: GraphPlan[] = [
    plan('vae_encoder', 'vae_encoder.onnx', 'first-stage VAE encoder: posterior mean and logvar (host samples with its seeded RNG, then x0.18215)', main, (b) => buildVaeEncoder(b, config.vaeEncoder)),
    plan('vae_decoder', 'vae_decoder.onnx', 'temporal VAE decoder on one chunk of unscaled latents (frames = dynamic axis)', main, (b) => buildVaeDecoder(b, config.vaeDecoder)),
    plan('cond_encoder', 'cond_encoder.onnx', "conditioner reference encoder (embedders.3): posterior mode for window 0's c.concat", main, (b) => buildCondEncoder(b, config.condEncoder)),
    plan('clip_visual', 'clip_visual.onnx', `CLIP image embedder with kornia-exact preprocessing for ${config.frame.height}x${config.frame.width} frames`, main, (b) => buildClipVisual(b, config.clip, config.frame)),
  ];
  if (lineart && config.lineart) {
    const lineartConfig = config.lineart;
    plans.unshift(plan('lineart', 'lineart.onnx', 'informative-drawings lineart generator (sk_model), RGB [0,1] -> line darkness', lineart, (b) => buildLineart(b, lineartConfig)));
  }
  plans.push(plan('hint_encoder', 'hint_encoder.onnx', "the ControlNet's hint encoder (input_hint_block): a window's sketches to the features the denoiser takes, once per window", main,
    (b) => buildHintEncoder(b, CONTROLNET_PREFIX, config.denoiser.controlnet.modelChannels)));
  plans.push({
    id: 'denoiser', fileName: 'denoiser.onnx', weights: main,
    description: 'LVCD ControlNet + video UNet: model output F for one 19-position window per call (reference attention by ref_* inputs, the hint encoded apart)',
    buildGraph: (precision) => buildDenoiserGraph({ weights: main, config: config.denoiser, precision, attention, hintEncoder: 'separate' }).graph,
  });
  return plans;
}

