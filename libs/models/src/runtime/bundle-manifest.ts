import { createHash } from 'node:crypto';
import type { Dim } from '../onnx/proto.js';
import type { WeightPrecision } from '../onnx/graph-core.js';
import type { ClipVisionConfig } from '../networks/clip/clip-config.js';
import type { LineartConfig } from '../networks/lineart/lineart.js';
import type { VaeDecoderConfig, VaeEncoderConfig } from '../networks/vae/vae-config.js';
import { WINDOW_FRAMES, type LvcdNetworkConfig } from '../networks/unet/config.js';
import type { LvcdGeometry } from '../pipelines/lvcd/geometry.js';

export const BUNDLE_FORMAT = 'lvcd-model-bundle';
/**
 * 2: the ControlNet's hint encoder is its own model (`hint_encoder`) and the denoiser takes its output
 * (`hint_features`) instead of the sketches. Version 1 bundles (the denoiser takes the sketches) still open and run.
 */
export const BUNDLE_FORMAT_VERSION = 2;
/** Versions this code opens. */
export const READABLE_BUNDLE_VERSIONS: readonly number[] = [1, 2];
export const MANIFEST_FILE = 'manifest.json';
/** What `precision` may say (graph-core's WeightPrecision); older bundles say fp32 or fp16. */
export const BUNDLE_PRECISIONS: readonly WeightPrecision[] = ['fp32', 'fp16', 'fp16-compute'];

export interface SourceRecord {
  readonly fileName: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface TensorRecord {
  readonly name: string;
  readonly dtype: 'float32' | 'int64';
  readonly shape: readonly Dim[];
  readonly meaning: string;
}

export interface ModelRecord {
  readonly file: string;
  readonly dataFile: string;
  readonly bytes: number;
  readonly dataBytes: number;
  readonly sha256: string;
  readonly dataSha256: string;
  readonly description: string;
  readonly inputs: readonly TensorRecord[];
  readonly outputs: readonly TensorRecord[];
}

export type ModelId = 'lineart' | 'vae_encoder' | 'vae_decoder' | 'cond_encoder' | 'clip_visual' | 'hint_encoder' | 'denoiser';

export interface ArchitectureConfig {
  readonly vaeEncoder: VaeEncoderConfig;
  readonly vaeDecoder: VaeDecoderConfig;
  readonly condEncoder: VaeEncoderConfig;
  readonly clip: ClipVisionConfig;
  readonly lineart?: LineartConfig;
  /** The ControlNet + video UNet (one graph, `denoiser.onnx`). */
  readonly denoiser: LvcdNetworkConfig;
  /** Frame size the CLIP graph's preprocessing was built for (height, width). */
  readonly frame: { readonly height: number; readonly width: number };
  /** Latent scale factor of the first-stage autoencoder (diffusion space = latent * this). */
  readonly scaleFactor: number;
  /** Positions of one denoiser call; bundles converted before it was recorded lack it, and take 19. */
  readonly windowFrames?: number;
}

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  /** BUNDLE_FORMAT_VERSION when written by this code; an older readable version when converted before. */
  readonly formatVersion: number;
  readonly createdAt: string;
  readonly converter: string;
  /** 'fp32'; 'fp16': fp16 weights, float32 compute; 'fp16-compute': fp16 weights and compute (CUDA only). */
  readonly precision: WeightPrecision;
  readonly opset: number;
  readonly sources: { readonly svd: SourceRecord; readonly lvcd: SourceRecord; readonly lineart?: SourceRecord };
  readonly config: ArchitectureConfig;
  readonly models: Partial<Record<ModelId, ModelRecord>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isHash = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isSize = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isPlainFile = (v: unknown) => typeof v === 'string' && /^[\w.-]+$/.test(v) && v !== '.' && v !== '..';

const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
const isLevels = (v: unknown) => Array.isArray(v) && v.length > 0;

/** What bundleGeometry reads, checked so a damaged manifest is refused when read, not deep in a run. */
function geometryProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const vae = config['vaeEncoder'];
  const unet = isObject(config['denoiser']) ? config['denoiser']['unet'] : undefined;
  if (!(isObject(vae) && isLevels(vae['chMult']) && isCount(vae['zChannels']))) problems.push('config.vaeEncoder must have chMult and zChannels');
  if (!(isObject(unet) && isLevels(unet['channelMult']))) problems.push('config.denoiser.unet must have channelMult');
  const scale = config['scaleFactor'];
  if (!(typeof scale === 'number' && scale > 0 && Number.isFinite(scale))) problems.push('config.scaleFactor must be a number > 0');
  if (config['windowFrames'] !== undefined && !isCount(config['windowFrames'])) problems.push('config.windowFrames must be a whole number > 0');
  return problems;
}

/** Checks a parsed manifest.json against the schema; returns a list of problems (empty when valid). */
export function validateManifest(value: unknown): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => ok || problems.push(message);
  if (!isObject(value)) return ['manifest is not a JSON object'];
  check(value['format'] === BUNDLE_FORMAT, `format must be "${BUNDLE_FORMAT}"`);
  check(READABLE_BUNDLE_VERSIONS.includes(value['formatVersion'] as number), `formatVersion must be one of ${READABLE_BUNDLE_VERSIONS.join(', ')} (got ${String(value['formatVersion'])})`);
  check(BUNDLE_PRECISIONS.includes(value['precision'] as WeightPrecision), `precision must be one of ${BUNDLE_PRECISIONS.join(', ')}`);
  check(typeof value['opset'] === 'number', 'opset missing');
  const config = value['config'];
  if (!isObject(config)) problems.push('config missing');
  else problems.push(...geometryProblems(config));
  const sources = value['sources'];
  if (!isObject(sources)) problems.push('sources missing');
  else {
    for (const role of ['svd', 'lvcd', 'lineart']) {
      const s = sources[role];
      if (s === undefined && role === 'lineart') continue;
      check(isObject(s) && typeof s['fileName'] === 'string' && isSize(s['bytes']) && isHash(s['sha256']), `sources.${role} must have fileName, bytes and sha256`);
    }
  }
  const models = value['models'];
  if (!isObject(models) || Object.keys(models).length === 0) problems.push('models missing');
  else {
    for (const [id, m] of Object.entries(models)) {
      if (!isObject(m)) { problems.push(`models.${id} is not an object`); continue; }
      check(isPlainFile(m['file']) && isPlainFile(m['dataFile']), `models.${id}: file names must be plain names inside the bundle`);
      check(isSize(m['bytes']) && isSize(m['dataBytes']), `models.${id}: sizes missing`);
      check(isHash(m['sha256']) && isHash(m['dataSha256']), `models.${id}: hashes missing`);
      for (const side of ['inputs', 'outputs']) {
        const list = m[side];
        check(Array.isArray(list) && list.length > 0 && list.every((t) => isObject(t) && typeof t['name'] === 'string' && Array.isArray(t['shape'])),
          `models.${id}.${side} must list tensors with name and shape`);
      }
    }
  }
  return problems;
}

/**
 * The geometry the pipeline and the planner shape tensors by, from what the converter recorded: the latent factor
 * from the VAE's levels and the channels from its z (as diffusers' `vae_scale_factor`), the UNet's levels for the
 * size multiple, the scale factor, and the window (19 for bundles converted before it was recorded).
 */
export function bundleGeometry(config: Pick<ArchitectureConfig, 'vaeEncoder' | 'denoiser' | 'scaleFactor' | 'windowFrames'>): LvcdGeometry {
  const latentFactor = 2 ** (config.vaeEncoder.chMult.length - 1);
  return {
    latentFactor,
    latentChannels: config.vaeEncoder.zChannels,
    scaleFactor: config.scaleFactor,
    windowFrames: config.windowFrames ?? WINDOW_FRAMES,
    sizeMultiple: latentFactor * 2 ** (config.denoiser.unet.channelMult.length - 1),
  };
}

/** Why a bundle of `precision` cannot run on `provider` (undefined when it can): fp16-compute graphs are for CUDA. */
export function precisionRefusal(precision: WeightPrecision, provider: 'cuda' | 'cpu'): string | undefined {
  if (precision !== 'fp16-compute' || provider === 'cuda') return undefined;
  // ORT's CPU provider would load it, but lacks fp16 kernels for most ops (Conv, MatMul, ...) and runs those in float32
  // between Casts it inserts: about half the speed of an fp32 bundle there, for no memory saved.
  return "it computes in fp16 (converted with --precision fp16-compute), which is for ONNX Runtime's CUDA provider: the CPU provider lacks fp16 kernels for most ops; for the CPU convert with --precision fp32, or --precision fp16 (fp16 weights, float32 compute)";
}

/**
 * The bundle's content identity: its precision and every model file's hashes. Re-converting into the same folder
 * (fp16 <-> fp32, a converter fix) changes it, so caches and opened sessions keyed on it never serve old weights.
 */
export function bundleContentHash(manifest: BundleManifest): string {
  const models = Object.entries(manifest.models)
    .filter((entry): entry is [string, ModelRecord] => entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, m]) => `${id}:${m.sha256}:${m.dataSha256}`);
  return createHash('sha256').update(JSON.stringify({ precision: manifest.precision, models })).digest('hex');
}
