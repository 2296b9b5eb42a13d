import type * as ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, validateManifest, type BundleManifest, type ModelId } from './bundle-manifest.js';
import { createSession, type ProviderChoice } from './session.js';
import { runFloat } from './tensors.js';
import { onnxDenoiserNetwork } from './denoiser-session.js';
import type { LvcdNetworks } from '../pipelines/lvcd/pipeline.js';
import { repeatRows } from '../pipelines/lvcd/conditioning.js';
import { WINDOW } from '../pipelines/lvcd/window-plan.js';

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
  /** Where the denoiser runs: the provider that does nearly all of a run's work. */
  readonly provider: 'cuda' | 'cpu';
  /** Where each opened model runs ('auto' may put one on CUDA and fall back to the CPU for another). */
  readonly providers: Readonly<Partial<Record<ModelId, 'cuda' | 'cpu'>>>;
  /** The lineart generator: RGB (1, 3, H, W) in [0, 1] to line darkness (1, 1, H, W), when the bundle has it. */
  lineart?(rgb: Float32Array, height: number, width: number): Promise<Float32Array>;
  /** Time spent inside ONNX Runtime calls so far, in ms (for the host-overhead benchmark). */
  readonly runtimeMs: number;
  release(): Promise<void>;
}

/** Opens a converted bundle on a provider ('auto' takes CUDA when it loads, else the CPU); `manifest` when the caller read it already. */
export async function openLvcdBundle(dir: string, provider: ProviderChoice = 'auto', manifest?: BundleManifest): Promise<LvcdBundle> {
  manifest ??= await readBundleManifest(dir);
  const missing = REQUIRED.filter((id) => !manifest.models[id]);
  if (missing.length > 0) throw new ModelBundleError(`the model bundle in ${dir} lacks ${missing.join(', ')}; ${CONVERT_HINT}`);
  const sessions = new Map<ModelId, ort.InferenceSession>();
  const providers: Partial<Record<ModelId, 'cuda' | 'cpu'>> = {};
  try {
    for (const id of [...REQUIRED, ...(manifest.models.lineart ? (['lineart'] as const) : [])]) {
      const created = await createSession(join(dir, manifest.models[id]!.file), { provider });
      sessions.set(id, created.session);
      providers[id] = created.provider;
    }
  } catch (e) {
    await Promise.all([...sessions.values()].map((s) => s.release()));
    throw e;
  }
  return bundleNetworks(manifest, sessions, providers);
}

function bundleNetworks(manifest: BundleManifest, sessions: Map<ModelId, ort.InferenceSession>, providers: Partial<Record<ModelId, 'cuda' | 'cpu'>>): LvcdBundle {
  let runtimeMs = 0;
  const run = async (id: ModelId, inputs: Record<string, { data: Float32Array; dims: readonly number[] }>) => {
    const started = performance.now();
    try {
      return await runFloat(sessions.get(id)!, inputs, id);
    } finally {
      runtimeMs += performance.now() - started;
    }
  };
  const image = (data: Float32Array, height: number, width: number) => ({ img: { data, dims: [1, 3, height, width] } });
  const { frame } = manifest.config;
  return {
    manifest,
    provider: providers.denoiser ?? 'cpu',
    providers,
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
      const network = onnxDenoiserNetwork({
        session: sessions.get('denoiser')!,
        latentHeight,
        latentWidth,
        context: repeatRows(context, WINDOW.length),
        vector: repeatRows(vector, WINDOW.length),
      });
      return {
        async run(step) {
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
        const plane = latents.length / (frames * 4);
        const [h, w] = [frame.height / 8, frame.width / 8];
        if (plane !== h * w) throw new ModelBundleError(`latents of ${plane} values per channel do not fit ${frame.width}x${frame.height} frames`);
        return (await run('vae_decoder', { z: { data: latents, dims: [frames, 4, h, w] } })).pixels!.data;
      },
    },
    ...(sessions.has('lineart')
      ? { lineart: async (rgb: Float32Array, height: number, width: number) => (await run('lineart', image(rgb, height, width))).line!.data }
      : {}),
    async release() {
      await Promise.all([...sessions.values()].map((s) => s.release()));
    },
  };
}
