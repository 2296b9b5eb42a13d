import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleGeometry, MANIFEST_FILE, precisionRefusal, validateManifest, type BundleManifest, type ModelId } from './bundle-manifest.js';
import type { ProviderChoice } from './session.js';
import { detectProvider } from './provider.js';
import { runFloat } from './tensors.js';
import { onnxDenoiserNetwork, type DenoiserNetworkStep } from './denoiser-session.js';
import { LazySessions } from './lazy-sessions.js';
import type { OptimisedGraphCache } from './optimised-graphs.js';
import { DENOISER_IO } from '../networks/denoiser/denoiser-graph.js';
import { HINT_ENCODER_IO } from '../networks/controlnet/hint-encoder.js';
import type { LvcdNetworks } from '../pipelines/lvcd/pipeline.js';
import { repeatRows } from '../pipelines/lvcd/conditioning.js';

/** The models a colorization needs; the lineart model is optional (a classical extractor can stand in). */
const REQUIRED: readonly ModelId[] = ['clip_visual', 'cond_encoder', 'vae_encoder', 'vae_decoder', 'denoiser'];

export class ModelBundleError extends Error {
  override name = 'ModelBundleError';
}

const CONVERT_HINT = 'convert one with: lvcd convert --svd svd.safetensors --lvcd lvcd.ckpt [--lineart sk_model.pth] --out DIR';

export async function readBundleManifest(dir: string): Promise<BundleManifest> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
  } catch (e) {
    throw new ModelBundleError(`no readable model bundle in ${dir} (${(e as Error).message}); ${CONVERT_HINT}`);
  }
  const problems = validateManifest(json);
  if (problems.length > 0) throw new ModelBundleError(`the model bundle in ${dir} is damaged: ${problems.join('; ')}; ${CONVERT_HINT}`);
  return json as BundleManifest;
}

/** An opened model bundle: ONNX Runtime sessions behind the pipeline's network interface. */
export interface LvcdBundle extends LvcdNetworks {
  readonly manifest: BundleManifest;
  /** Where the denoiser runs (or will, before its first step): the provider that does nearly all of a run's work. */
  readonly provider: 'cuda' | 'cpu';
  /**
   * Where each model opened so far runs ('auto' may put one on CUDA and fall back to the CPU for another). Models
   * open on their first use, so this lists the ones a run used.
   */
  readonly providers: Readonly<Partial<Record<ModelId, 'cuda' | 'cpu'>>>;
  /** The lineart generator: RGB (1, 3, H, W) in [0, 1] to line darkness (1, 1, H, W), when the bundle has it. */
  lineart?(rgb: Float32Array, height: number, width: number): Promise<Float32Array>;
  /** Time spent inside ONNX Runtime calls so far, in ms (for the host-overhead benchmark). */
  readonly runtimeMs: number;
  release(): Promise<void>;
}

/**
 * Opens a converted bundle on a provider ('auto' takes CUDA when it loads, else the CPU); `manifest` when the caller
 * read it already; `graphCache` where the CPU keeps optimised graphs between openings. Only the manifest is read
 * here: each model's session opens on its first use.
 */
export async function openLvcdBundle(dir: string, provider: ProviderChoice = 'auto', manifest?: BundleManifest, graphCache?: OptimisedGraphCache): Promise<LvcdBundle> {
  manifest ??= await readBundleManifest(dir);
  const missing = REQUIRED.filter((id) => !manifest.models[id]);
  // A denoiser that takes the encoded hint (format 2) needs the hint encoder; a format 1 one encodes the sketches itself.
  const encodesHintApart = manifest.models.denoiser?.inputs.some((t) => t.name === DENOISER_IO.hintFeatures) ?? false;
  if (encodesHintApart && !manifest.models.hint_encoder) missing.push('hint_encoder');
  if (missing.length > 0) throw new ModelBundleError(`the model bundle in ${dir} lacks ${missing.join(', ')}; ${CONVERT_HINT}`);
  const expected = await detectProvider(provider);
  if (provider === 'cuda' && expected !== 'cuda') throw new ModelBundleError(`the model bundle in ${dir} was asked to run on CUDA, and ONNX Runtime's CUDA provider does not load here`);
  const refusal = precisionRefusal(manifest.precision, expected);
  if (refusal) throw new ModelBundleError(`the model bundle in ${dir} cannot run on the CPU: ${refusal}`);
  return bundleNetworks(manifest, new LazySessions(dir, manifest, provider, graphCache), expected, encodesHintApart);
}

function bundleNetworks(manifest: BundleManifest, sessions: LazySessions, expected: 'cuda' | 'cpu', encodesHintApart: boolean): LvcdBundle {
  let runtimeMs = 0;
  const run = async (id: ModelId, inputs: Record<string, { data: Float32Array; dims: readonly number[] }>) => {
    const session = await sessions.get(id);
    const started = performance.now();
    try {
      return await runFloat(session, inputs, id);
    } finally {
      runtimeMs += performance.now() - started;
    }
  };
  const image = (data: Float32Array, height: number, width: number) => ({ img: { data, dims: [1, 3, height, width] } });
  const { frame } = manifest.config;
  const geometry = bundleGeometry(manifest.config);
  return {
    manifest,
    get provider() {
      return sessions.providers().denoiser ?? expected;
    },
    get providers() {
      return sessions.providers();
    },
    get runtimeMs() {
      return runtimeMs;
    },
    async embedReference(reference, height, width) {
      if (height !== frame.height || width !== frame.width) {
        throw new ModelBundleError(`this bundle's CLIP preprocessing was built for ${frame.width}x${frame.height} frames, not ${width}x${height}; resize the clip to ${frame.width}x${frame.height}`);
      }
      return (await run('clip_visual', image(reference, height, width))).embedding!.data;
    },
    async encodeReferenceMode(reference, height, width) {
      return (await run('cond_encoder', image(reference, height, width))).latent!.data;
    },
    async encodeReferencePosterior(reference, height, width) {
      const out = await run('vae_encoder', image(reference, height, width));
      return { mean: out.mean!.data, logvar: out.logvar!.data };
    },
    denoiser(context, vector, latentHeight, latentWidth) {
      let network: ReturnType<typeof onnxDenoiserNetwork> | undefined;
      // Sessions open before the clock starts: runtimeMs is time running models, the hint encoder's within the step's.
      const open = async () => {
        const hintEncoder = encodesHintApart ? await sessions.get('hint_encoder') : undefined;
        const encodeHint = async (hint: Float32Array) => {
          const dims = [geometry.windowFrames, 3, geometry.latentFactor * latentHeight, geometry.latentFactor * latentWidth];
          return (await runFloat(hintEncoder!, { [HINT_ENCODER_IO.input]: { data: hint, dims } }, 'hint_encoder'))[HINT_ENCODER_IO.output]!.data;
        };
        return onnxDenoiserNetwork({
          session: await sessions.get('denoiser'),
          latentHeight,
          latentWidth,
          context: repeatRows(context, geometry.windowFrames),
          vector: repeatRows(vector, geometry.windowFrames),
          ...(hintEncoder ? { encodeHint } : {}),
        });
      };
      return {
        async run(step: DenoiserNetworkStep) {
          network ??= await open();
          const started = performance.now();
          try {
            return await network.run(step);
          } finally {
            runtimeMs += performance.now() - started;
          }
        },
      };
    },
    decoder: {
      async decode(latents, frames) {
        const { latentChannels: c, latentFactor } = geometry;
        const plane = latents.length / (frames * c);
        const [h, w] = [frame.height / latentFactor, frame.width / latentFactor];
        if (plane !== h * w) throw new ModelBundleError(`latents of ${plane} values per channel do not fit ${frame.width}x${frame.height} frames`);
        return (await run('vae_decoder', { z: { data: latents, dims: [frames, c, h, w] } })).pixels!.data;
      },
    },
    ...(manifest.models.lineart
      ? { lineart: async (rgb: Float32Array, height: number, width: number) => (await run('lineart', image(rgb, height, width))).line!.data }
      : {}),
    release: () => sessions.release(),
  };
}
