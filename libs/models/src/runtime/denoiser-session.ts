import { ort } from './ort.js';
import { checkFeeds } from './feeds.js';
import { WINDOW_FRAMES } from '../networks/unet/config.js';
import { DENOISER_IO } from '../networks/denoiser/denoiser-graph.js';
import { referencePhaseInputs, type ReferenceAttentionInputs, type ReferenceLayerLayout, type ReferencePhase } from '../networks/unet/reference-attention-inputs.js';

/** One evaluation of the denoiser graph: everything but the reference tables is float32, row-major. */
export interface DenoiserGraphCall {
  /** (19, 8, h, w): see denoiserNetworkInput. */
  readonly input: Float32Array;
  readonly latentHeight: number;
  readonly latentWidth: number;
  /** (19): c_noise per position. */
  readonly timesteps: Float32Array;
  /** (19, 1, context_dim) */
  readonly context: Float32Array;
  /** (19, adm_in_channels) */
  readonly vector: Float32Array;
  /** (19, 3, 8h, 8w): for a graph that encodes the hint itself; omit for the UNet-only graph. */
  readonly hint?: Float32Array;
  /** (19, model_channels, h, w): the hint encoder's output, for a graph built with hintEncoder 'separate'. */
  readonly hintFeatures?: Float32Array;
  readonly reference: ReferenceAttentionInputs;
  /** Control residuals by name for the UNet-only graph. */
  readonly control?: Readonly<Record<string, ort.Tensor>>;
}

export class DenoiserFeedError extends Error {
  override readonly name = 'DenoiserFeedError';
}

/** The ORT feeds of a call, with sizes checked so a wrong buffer fails here, not deep in the runtime. */
export function denoiserFeeds(call: DenoiserGraphCall): Record<string, ort.Tensor> {
  const T = WINDOW_FRAMES;
  const { latentHeight: h, latentWidth: w } = call;
  const per = (data: { readonly length: number }, name: string, rest: number[]): number[] => {
    const dims = [T, ...rest];
    const count = dims.reduce((a, b) => a * b, 1);
    if (!dims.every(Number.isInteger) || data.length !== count) {
      throw new DenoiserFeedError(`${name}: ${data.length} values do not form ${dims.join(' x ')}`);
    }
    return dims;
  };
  /** The one free dim of a tensor whose other dims are known. */
  const free = (data: { readonly length: number }, known: number) => data.length / (T * known);
  const feeds: Record<string, ort.Tensor> = {
    [DENOISER_IO.input]: new ort.Tensor('float32', call.input, per(call.input, 'input', [free(call.input, h * w), h, w])),
    [DENOISER_IO.timesteps]: new ort.Tensor('float32', call.timesteps, per(call.timesteps, 'timesteps', [])),
    [DENOISER_IO.context]: new ort.Tensor('float32', call.context, per(call.context, 'context', [1, free(call.context, 1)])),
    [DENOISER_IO.vector]: new ort.Tensor('float32', call.vector, per(call.vector, 'vector', [free(call.vector, 1)])),
    [DENOISER_IO.selfIndex]: new ort.Tensor('int64', call.reference.selfIndex, per(call.reference.selfIndex, 'selfIndex', [])),
    [DENOISER_IO.refIndex]: new ort.Tensor('int64', call.reference.refIndex, per(call.reference.refIndex, 'refIndex', [])),
    [DENOISER_IO.logitBias]: new ort.Tensor('float32', call.reference.logitBias, per(call.reference.logitBias, 'logitBias', [2])),
    [DENOISER_IO.biasLayers]: new ort.Tensor('float32', call.reference.biasLayerMask, [call.reference.biasLayerMask.length]),
  };
  if (call.hint) {
    // The sketches are at pixel resolution: 8x the latent on each axis.
    feeds[DENOISER_IO.hint] = new ort.Tensor('float32', call.hint, per(call.hint, 'hint', [free(call.hint, 64 * h * w), 8 * h, 8 * w]));
  }
  if (call.hintFeatures) {
    feeds[DENOISER_IO.hintFeatures] = new ort.Tensor('float32', call.hintFeatures, per(call.hintFeatures, 'hintFeatures', [free(call.hintFeatures, h * w), h, w]));
  }
  Object.assign(feeds, call.control ?? {});
  return feeds;
}

/** Runs the graph and returns the requested float32 outputs (default: the model output F). */
export async function runDenoiserGraph(
  session: ort.InferenceSession,
  call: DenoiserGraphCall,
  outputs: readonly string[] = [DENOISER_IO.output],
): Promise<Record<string, Float32Array>> {
  const feeds = denoiserFeeds(call);
  checkFeeds('denoiser', session, feeds);
  const results = await session.run(feeds, [...outputs]);
  const out: Record<string, Float32Array> = {};
  for (const name of outputs) {
    const t = results[name];
    if (!t || t.type !== 'float32') throw new DenoiserFeedError(`output "${name}" missing or not float32`);
    out[name] = t.data as Float32Array;
  }
  return out;
}

/**
 * The two-graph form: runs the ControlNet graph, hands its 13 residuals (as ORT tensors, no copy) to
 * the UNet graph, and returns the model output F.
 */
export async function runControlNetThenUNet(
  controlNet: ort.InferenceSession,
  unet: ort.InferenceSession,
  call: DenoiserGraphCall,
): Promise<Float32Array> {
  const residuals = await controlNet.run(denoiserFeeds(call));
  const control: Record<string, ort.Tensor> = {};
  for (const name of controlNet.outputNames) control[name] = residuals[name]!;
  const { hint: _hint, hintFeatures: _features, ...rest } = call;
  const out = await runDenoiserGraph(unet, { ...rest, control });
  return out[DENOISER_IO.output]!;
}

/** One sampler step as the network sees it (structurally the sampler's DenoiserStep). */
export interface DenoiserNetworkStep {
  /** (19, 8, h, w): c_in x on channels 0..3, the concat latent on 4..7. */
  readonly input: Float32Array;
  readonly cNoise: number;
  /** (19, 3, 8h, 8w) */
  readonly hint: Float32Array;
  readonly attention: ReferencePhase;
}

export interface OnnxDenoiserNetworkOptions {
  readonly session: ort.InferenceSession;
  readonly latentHeight: number;
  readonly latentWidth: number;
  /** (19, 1, context_dim): the CLIP token, the same for every window. */
  readonly context: Float32Array;
  /** (19, 768): the vector condition. */
  readonly vector: Float32Array;
  readonly referenceLayers?: ReferenceLayerLayout;
  /**
   * The hint encoder (sketches (19, 3, 8h, 8w) to features (19, model_channels, h, w)) for a denoiser built with
   * hintEncoder 'separate'; absent, the denoiser takes the sketches itself.
   */
  readonly encodeHint?: (hint: Float32Array) => Promise<Float32Array>;
}

/**
 * The converted one-graph denoiser behind a sampler-style `run(step)` returning F (19, 4, h, w). With `encodeHint`,
 * the hint is encoded when it changes: the sampler hands every step of a window the same sketches array, so the
 * encoder runs once per window (a different array, even with equal values, is encoded afresh: never stale).
 */
export function onnxDenoiserNetwork(options: OnnxDenoiserNetworkOptions): { run(step: DenoiserNetworkStep): Promise<Float32Array> } {
  let encoded: { hint: Float32Array; features: Float32Array } | undefined;
  const hintFeed = async (hint: Float32Array): Promise<Pick<DenoiserGraphCall, 'hint' | 'hintFeatures'>> => {
    if (!options.encodeHint) return { hint };
    if (encoded?.hint !== hint) encoded = { hint, features: await options.encodeHint(hint) };
    return { hintFeatures: encoded.features };
  };
  return {
    async run(step) {
      const out = await runDenoiserGraph(options.session, {
        input: step.input,
        latentHeight: options.latentHeight,
        latentWidth: options.latentWidth,
        timesteps: new Float32Array(WINDOW_FRAMES).fill(step.cNoise),
        context: options.context,
        vector: options.vector,
        ...(await hintFeed(step.hint)),
        reference: referencePhaseInputs(step.attention, options.referenceLayers),
      });
      return out[DENOISER_IO.output]!;
    },
  };
}
