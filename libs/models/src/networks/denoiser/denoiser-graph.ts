import type { WeightSource } from '../../formats/index.js';
import { ATTENTION_FORMS, GraphBuilder, type AttentionForm, type BuiltGraph, type Tensor, type WeightPrecision } from '../../onnx/index.js';
import { planNetwork } from '../unet/block-plan.js';
import { WINDOW_FRAMES, referenceLayerCounts, timeEmbedDim, type LvcdNetworkConfig, type VideoUNetConfig } from '../unet/config.js';
import { controlNet } from '../controlnet/controlnet.js';
import { timestepAndLabelEmbedding } from '../unet/embeddings.js';
import { referenceLayerCounter, type NetworkContext } from '../unet/network-context.js';
import type { ReferenceAttentionTensors } from '../unet/reference-attention.js';
import { controlledVideoUNet } from '../unet/unet.js';
import type { ReferenceLayerLayout } from '../unet/reference-attention-inputs.js';

/** Checkpoint prefixes of the two networks (svd.safetensors / lvcd.ckpt state-dict names). */
export const UNET_PREFIX = 'model.diffusion_model';
export const CONTROLNET_PREFIX = 'control_model';

/** Graph input and output names: the contract with the host (see DenoiserGraphFeeds). */
export const DENOISER_IO = {
  /** float32 (19, 8, h, w): c_in * x on channels 0..3, the concat latent on 4..7. */
  input: 'x_in',
  /** float32 (19): c_noise = 0.25 ln(sigma) per position. */
  timesteps: 'timesteps',
  /** float32 (19, 1, context_dim): the CLIP image token. */
  context: 'context',
  /** float32 (19, 768): fps / motion bucket / cond_aug embedding. */
  vector: 'y',
  /** float32 (19, 3, 8h, 8w): the sketches, white paper with dark lines (hintEncoder 'inside'). */
  hint: 'hint',
  /** float32 (19, model_channels, h, w): the hint encoder's output, computed once per window (hintEncoder 'separate'). */
  hintFeatures: 'hint_features',
  selfIndex: 'ref_self_index',
  refIndex: 'ref_ref_index',
  logitBias: 'ref_logit_bias',
  biasLayers: 'ref_bias_layers',
  /** float32 (19, 4, h, w): the network output F (the denoiser applies c_skip / c_out on the host). */
  output: 'model_output',
  /** Control residual k between the two graphs of the split form. */
  control: (k: number) => `control_${k}`,
} as const;

/**
 * Which graph to build. 'denoiser': ControlNet + UNet in one graph (the default: one call per step,
 * the 13 residuals never leave the runtime). 'controlnet' / 'unet': the same split in two graphs fed
 * in sequence, for hosts that cannot hold both networks' weights at once.
 */
export type DenoiserGraphPart = 'denoiser' | 'controlnet' | 'unet';

/**
 * Where the ControlNet's hint encoder runs. 'inside': the graph takes the sketches and encodes them at every call.
 * 'separate': the graph takes the encoded hint (`hint_features`), which the host computes once per window with the
 * hint encoder graph (networks/controlnet/hint-encoder.ts), since a window's sketches are the same at every step.
 */
export type HintEncoderPlacement = 'inside' | 'separate';

export interface DenoiserGraphOptions {
  readonly weights: WeightSource;
  readonly config: LvcdNetworkConfig;
  readonly precision?: WeightPrecision;
  readonly part?: DenoiserGraphPart;
  /**
   * Debug build: also output every top-level block under the names of golden-unet-blocks
   * (`unet.input_blocks.3.out`, `control.zero_convs.0.out`, ...), to localise a divergence.
   */
  readonly debugOutputs?: boolean;
  /**
   * 'fused' (default): the spatial reference and temporal attentions are ONNX Runtime's
   * MultiHeadAttention (CPU and CUDA providers). 'plain': MatMul -> Softmax -> MatMul only, for a
   * provider without that contrib op (a whole tiny window at 576x320 then peaks at ~12 GB, not ~2.5).
   */
  readonly attention?: AttentionForm;
  /**
   * Compute the spatial reference attention this many frames at a time (exact: frames attend
   * independently). Bounds the transient logits at full latent resolution; 19 or undefined = one pass.
   */
  readonly attentionFrameGroup?: number;
  /** 'inside' (default) or 'separate': see HintEncoderPlacement. */
  readonly hintEncoder?: HintEncoderPlacement;
}

export interface DenoiserGraph {
  readonly graph: BuiltGraph;
  readonly builder: GraphBuilder;
  readonly referenceLayers: ReferenceLayerLayout;
  /** Names of the debug outputs (empty unless debugOutputs). */
  readonly debugOutputs: readonly string[];
}

function networkContext(
  b: GraphBuilder,
  config: VideoUNetConfig,
  shared: { timesteps: Tensor; y: Tensor; context: Tensor; reference: ReferenceAttentionTensors },
  layers: { offset: number; count: number; name: string },
  tap: (block: string, value: Tensor) => void,
  attentionFrameGroup: number | undefined,
): NetworkContext {
  const emb = timestepAndLabelEmbedding(b, shared.timesteps, shared.y, config.modelChannels, tap);
  return {
    b, config, emb, context: shared.context, reference: shared.reference, attentionFrameGroup,
    nextReferenceLayer: referenceLayerCounter(layers.offset, layers.count, layers.name),
    tap,
  };
}

/**
 * Builds the LVCD denoiser network (ControlNet + UNet, or one of them) as an ONNX graph over the
 * original checkpoint keys: batch = the 19 window positions, dynamic latent height/width. Builds the
 * graph only; writeOnnxModel streams the weights afterwards.
 */
export function buildDenoiserGraph(options: DenoiserGraphOptions): DenoiserGraph {
  const { config, weights } = options;
  const part = options.part ?? 'denoiser';
  if (options.attentionFrameGroup !== undefined && !(Number.isInteger(options.attentionFrameGroup) && options.attentionFrameGroup >= 1)) {
    throw new RangeError(`attentionFrameGroup must be a whole number >= 1, got ${options.attentionFrameGroup}`);
  }
  const attention = options.attention ?? 'fused';
  if (!ATTENTION_FORMS.includes(attention)) throw new RangeError(`attention must be one of ${ATTENTION_FORMS.join(', ')}, got ${String(attention)}`);
  const hintEncoder = options.hintEncoder ?? 'inside';
  if (hintEncoder !== 'inside' && hintEncoder !== 'separate') throw new RangeError(`hintEncoder must be inside or separate, got ${String(hintEncoder)}`);
  const T = WINDOW_FRAMES;
  const b = new GraphBuilder({ name: `lvcd_${part}`, weights, precision: options.precision ?? 'fp32', attention });
  const cnetCounts = referenceLayerCounts(config.controlnet);
  const unetCounts = referenceLayerCounts(config.unet);
  const referenceLayers: ReferenceLayerLayout = {
    controlLayers: cnetCounts.encoder + cnetCounts.middle,
    unetLayers: unetCounts.encoder + unetCounts.middle + unetCounts.decoder,
  };
  const totalLayers = referenceLayers.controlLayers + referenceLayers.unetLayers;

  const x = b.input(DENOISER_IO.input, [T, config.unet.inChannels, 'height', 'width']);
  const timesteps = b.input(DENOISER_IO.timesteps, [T]);
  const context = b.input(DENOISER_IO.context, [T, 1, config.unet.contextDim]);
  const y = b.input(DENOISER_IO.vector, [T, config.unet.admInChannels]);
  const reference: ReferenceAttentionTensors = {
    selfIndex: b.input(DENOISER_IO.selfIndex, [T], 'int64'),
    refIndex: b.input(DENOISER_IO.refIndex, [T], 'int64'),
    logitBias: b.input(DENOISER_IO.logitBias, [T, 2]),
    layerMask: b.input(DENOISER_IO.biasLayers, [totalLayers]),
  };
  const shared = { timesteps, y, context, reference };
  const debugOutputs: string[] = [];
  const tapper = (network: string) => (block: string, value: Tensor) => {
    if (!options.debugOutputs) return;
    const name = `${network}.${block}.out`;
    debugOutputs.push(name);
    b.output(value, name, value.shape.map((d, i) => (typeof d === 'number' ? d : `${name}_d${i}`)));
  };

  let control: Tensor[] | undefined;
  if (part !== 'unet') {
    const cnetPlan = planNetwork(config.controlnet);
    const hint = hintEncoder === 'separate'
      // The encoded hint is at latent resolution, so it shares the latent's dims.
      ? { features: b.input(DENOISER_IO.hintFeatures, [T, config.controlnet.modelChannels, 'height', 'width']) }
      : { sketches: b.input(DENOISER_IO.hint, [T, config.controlnet.hintChannels, 'hint_height', 'hint_width']) };
    control = b.scope(CONTROLNET_PREFIX, () => {
      const ctx = networkContext(b, config.controlnet, shared, { offset: 0, count: referenceLayers.controlLayers, name: 'the ControlNet' }, tapper('control'), options.attentionFrameGroup);
      return controlNet(ctx, cnetPlan, x, hint);
    });
  }
  if (part === 'controlnet') {
    control!.forEach((c, k) => b.output(c, DENOISER_IO.control(k), [T, c.shape[1]!, `control_${k}_height`, `control_${k}_width`]));
  } else {
    const unetPlan = planNetwork(config.unet);
    if (part === 'unet') {
      const widths = [...unetPlan.skipChannels, unetPlan.middleChannels];
      control = widths.map((c, k) => b.input(DENOISER_IO.control(k), [T, c, `control_${k}_height`, `control_${k}_width`]));
    }
    const out = b.scope(UNET_PREFIX, () => {
      const ctx = networkContext(b, config.unet, shared, { offset: referenceLayers.controlLayers, count: referenceLayers.unetLayers, name: 'the UNet' }, tapper('unet'), options.attentionFrameGroup);
      return controlledVideoUNet(ctx, unetPlan, x, control);
    });
    b.output(out, DENOISER_IO.output, [T, config.unet.outChannels, 'height', 'width']);
  }
  return { graph: b.finish(), builder: b, referenceLayers, debugOutputs };
}
