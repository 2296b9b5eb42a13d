import {
  bundleGeometry,
  checkInputs,
  latentSize,
  readBundleManifest,
  referenceTensor,
  sketchHints,
  type ClipPlan,
  type ColorizeOptions,
  type DecodeChunkConfig,
  type LvcdBundle,
} from '@lvcd/models';
import { decodeRgb, readFrame } from '@lvcd/media';
import { nodeErrorOf, samplingReporter } from './run-with-bundle.js';
import type { ParamsOf, TypedContext } from '../../runtime/define-node.js';
import { NodeError } from '../../runtime/node-type.js';
import type { FramesValue, ModelBundleValue } from '../../runtime/values.js';
import type { InputSpec, ParamSpec } from '../../types.js';

/** What LVCD samples from: the model bundle, the coloured reference frame and every frame's sketch. */
export const CLIP_INPUTS = [
  { name: 'models', type: 'LVCD_MODELS' },
  { name: 'reference', type: 'IMAGE' },
  { name: 'sketches', type: 'SKETCHES' },
] as const satisfies readonly InputSpec[];

/** The sampling knobs the spec calls safe (num_frames and overlap are fixed by the model). */
export const SAMPLING_PARAMS = [
  { name: 'steps', label: 'Steps', description: 'Denoising steps of each 19-frame window: more is slower and usually cleaner (the paper uses 25).', schema: { kind: 'integer', default: 25, min: 1, max: 100 } },
  { name: 'seed', label: 'Seed', description: 'Seed of the starting noise: the same seed, inputs and settings give the same frames.', schema: { kind: 'seed', default: 1234 } },
  { name: 'prevAttnSteps', label: 'Previous-reference steps', description: 'Steps of each later window that attend to the previous window (the rest attend to the reference only).', schema: { kind: 'integer', default: 25, min: 0, max: 100 } },
  { name: 'referenceMode', label: 'Later windows attend to', description: 'What windows after the first attend to: prevref (the paper) the previous window for the first Previous-reference steps and the reference after, normal the reference only.', schema: { kind: 'enum', default: 'prevref', options: ['prevref', 'normal'] } },
  { name: 'motionBucketId', label: 'Motion bucket', description: "Stable Video Diffusion's motion conditioning from 0 to 255: higher asks for more motion (the original uses 160).", schema: { kind: 'integer', default: 160, min: 0, max: 255 } },
  { name: 'fpsId', label: 'FPS id', description: "The frame rate the model is told, as Stable Video Diffusion's fps_id (frames per second minus 1; the original uses 6).", schema: { kind: 'integer', default: 6, min: 0, max: 30 } },
  { name: 'condAug', label: 'Conditioning noise (cond_aug)', description: "Noise added to the reference before the first window encodes it, and told to the model; the original uses 0, ComfyUI's LVCD example 0.02.", schema: { kind: 'number', default: 0, min: 0, max: 1, step: 0.01 } },
  { name: 'pad', label: 'Pad the last window', description: 'Repeat the last sketch so the windows cover every frame; the original drops frames past the last full window.', schema: { kind: 'boolean', default: true } },
] as const satisfies readonly ParamSpec[];

export const DECODING_PARAMS = [
  { name: 'decodeChunk', label: 'Decode chunk (frames)', description: 'Latents decoded together, reference included; smaller uses less memory.', schema: { kind: 'integer', default: 10, min: 3, max: 19 } },
  { name: 'decodeOverlap', label: 'Decode overlap (frames)', description: 'Latents each decode chunk repeats from the one before, whose frames are decoded again and dropped: more smooths the seams between chunks and costs time.', schema: { kind: 'integer', default: 3, min: 0, max: 8 } },
] as const satisfies readonly ParamSpec[];

export function decodingOptions(params: ParamsOf<typeof DECODING_PARAMS>): DecodeChunkConfig {
  const chunk = params.decodeChunk;
  const overlap = params.decodeOverlap;
  if (chunk - 1 - overlap < 1) throw new NodeError(`a decode chunk of ${chunk} frames leaves no new frame after the reference and ${overlap} overlapping ones; raise the chunk or lower the overlap`, 'decodeChunk');
  return { chunk, overlap, first: 1 };
}

/** Sampling options from the node's params, with the decoding ones when the node decodes too. */
export function samplingOptions(p: ParamsOf<typeof SAMPLING_PARAMS>, decoding?: DecodeChunkConfig): ColorizeOptions {
  return {
    numSteps: p.steps,
    seed: p.seed,
    prevAttnSteps: p.prevAttnSteps,
    laterWindowMode: p.referenceMode,
    motion: { fpsId: p.fpsId, motionBucketId: p.motionBucketId, condAug: p.condAug },
    ...(decoding ? { decoding } : {}),
  };
}

/** What the clip-taking LVCD nodes (Colorize, Sample) share: the clip inputs and the sampling params. */
export type ClipContext = TypedContext<typeof CLIP_INPUTS, typeof SAMPLING_PARAMS>;

export interface PreparedClip extends ClipPlan {
  reference: Float32Array;
  sketches: FramesValue;
  hint(frame: number): Promise<Float32Array>;
}

/** The bundle's manifest, read before any model opens (for the pipeline's checks and the pre-flight). */
async function manifestOf(models: ModelBundleValue) {
  try {
    return await readBundleManifest(models.dir);
  } catch (e) {
    throw new NodeError((e as Error).message, 'models');
  }
}

/** The reference and sketches as the pipeline takes them, checked by the pipeline against each other and the bundle. */
export async function prepareClip(ctx: ClipContext): Promise<PreparedClip> {
  const { sketches, reference, models } = ctx.inputs;
  const geometry = bundleGeometry((await manifestOf(models)).config);
  let plan: ClipPlan;
  try {
    plan = checkInputs({ reference, sketches, pad: ctx.params.pad }, geometry);
  } catch (e) {
    throw nodeErrorOf(e);
  }
  return {
    ...plan,
    reference: referenceTensor(await decodeRgb(reference.file)),
    sketches,
    hint: sketchHints(sketches.count, (frame) => readFrame(sketches, frame)),
  };
}

/** The pipeline request for a prepared clip: the bundle's networks, the clip, the knobs, cancellation and progress. */
export function clipRequest(ctx: ClipContext, clip: PreparedClip, options: ColorizeOptions, bundle: LvcdBundle) {
  return {
    networks: bundle,
    reference: clip.reference,
    width: clip.width,
    height: clip.height,
    frameCount: clip.frameCount,
    // Padded, the frames the original gives for the clip keep the original's values and decoding.
    ...(clip.clipFrameCount === undefined ? {} : { clipFrameCount: clip.clipFrameCount }),
    hint: clip.hint,
    options,
    signal: ctx.signal,
    onProgress: samplingReporter(ctx, latentSize(bundleGeometry(bundle.manifest.config), clip.height, clip.width), bundle.provider),
  };
}
