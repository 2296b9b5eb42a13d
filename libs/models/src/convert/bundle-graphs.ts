import type { WeightSource } from '../formats/weight-source.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { BuiltGraph, WeightPrecision } from '../onnx/graph-core.js';
import { inferClipVisionConfig } from './clip-config.js';
import { buildClipVisual } from './clip-visual.js';
import { buildLineart, inferLineartConfig } from './lineart.js';
import type { ArchitectureConfig, ModelId } from './manifest.js';
import { inferVaeDecoderConfig, inferVaeEncoderConfig } from './vae-config.js';
import { buildVaeDecoder } from './vae-decoder.js';
import { buildCondEncoder, buildVaeEncoder } from './vae-encoder.js';

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
    frame: options.frame ?? DEFAULT_FRAME,
    scaleFactor: SCALE_FACTOR,
  };
}

/** One ONNX file of the bundle: where its weights come from and how its graph is built. */
export interface GraphPlan {
  readonly id: ModelId;
  readonly fileName: string;
  readonly description: string;
  readonly weights: WeightSource;
  readonly build: (b: GraphBuilder) => void;
}

export function planBundleGraphs(main: WeightSource, lineart: WeightSource | undefined, config: ArchitectureConfig): GraphPlan[] {
  const plans: GraphPlan[] = [
    {
      id: 'vae_encoder', fileName: 'vae_encoder.onnx', weights: main,
      description: 'first-stage VAE encoder: posterior mean and logvar (host samples with its seeded RNG, then x0.18215)',
      build: (b) => buildVaeEncoder(b, config.vaeEncoder),
    },
    {
      id: 'vae_decoder', fileName: 'vae_decoder.onnx', weights: main,
      description: 'temporal VAE decoder on one chunk of unscaled latents (frames = dynamic axis)',
      build: (b) => buildVaeDecoder(b, config.vaeDecoder),
    },
    {
      id: 'cond_encoder', fileName: 'cond_encoder.onnx', weights: main,
      description: "conditioner reference encoder (embedders.3): posterior mode for window 0's c.concat",
      build: (b) => buildCondEncoder(b, config.condEncoder),
    },
    {
      id: 'clip_visual', fileName: 'clip_visual.onnx', weights: main,
      description: `CLIP image embedder with kornia-exact preprocessing for ${config.frame.height}x${config.frame.width} frames`,
      build: (b) => buildClipVisual(b, config.clip, config.frame),
    },
  ];
  if (lineart && config.lineart) {
    const lineartConfig = config.lineart;
    plans.unshift({
      id: 'lineart', fileName: 'lineart.onnx', weights: lineart,
      description: 'informative-drawings lineart generator (sk_model), RGB [0,1] -> line darkness',
      build: (b) => buildLineart(b, lineartConfig),
    });
  }
  return plans;
}

/** Builds one planned graph (shapes only: no weight is read until the model is written). */
export function buildPlannedGraph(plan: GraphPlan, precision: WeightPrecision = 'fp32'): BuiltGraph {
  const b = new GraphBuilder({ name: plan.id, weights: plan.weights, precision });
  plan.build(b);
  return b.finish();
}
