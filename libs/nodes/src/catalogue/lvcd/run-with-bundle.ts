import {
  acquireBundle,
  BASE_SESSION_OPTIONS,
  ClipInputError,
  decodeWindowCheckpoint,
  encodeWindowCheckpoint,
  onnxRuntimeVersion,
  SamplingCancelledError,
  windowPreviewRgb,
  WindowCheckpointError,
  type ClipInput,
  type LvcdBundle,
  type SampleClipRequest,
  type SamplingProgress,
} from '@lvcd/models';
import { encodePng } from '@lvcd/media';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeProvenance, RecordedRuntime } from '../../run-record.js';
import { CancelledError, NodeError, type Artifact, type ExecuteContext } from '../../runtime/node-type.js';
import type { ModelBundleValue } from '../../runtime/values.js';
import { remainingText } from './preflight.js';

/** Latent previews go out at most this often: they are for watching, not for every step. */
const PREVIEW_INTERVAL_MS = 500;

/** The field of an LVCD node that each pipeline input comes from. */
const FIELD_OF_INPUT: Readonly<Record<ClipInput, string>> = { networks: 'models', reference: 'reference', sketches: 'sketches', pad: 'pad' };

/** A pipeline refusal (ClipInputError) as the node's error on the field it came from; anything else as it is. */
export function nodeErrorOf(e: unknown): unknown {
  return e instanceof ClipInputError ? new NodeError(e.message, FIELD_OF_INPUT[e.input]) : e;
}

/**
 * Runs node work with the bundle opened (shared across runs), turning the pipeline's cancellation into the
 * executor's and its errors into the node's message.
 */
export async function withBundle<T>(ctx: ExecuteContext, models: ModelBundleValue, work: (bundle: LvcdBundle) => Promise<T>): Promise<T> {
  let held;
  try {
    held = await acquireBundle(models.dir, models.provider);
  } catch (e) {
    throw new NodeError(`cannot open the model bundle: ${(e as Error).message}`, 'models');
  }
  try {
    return await work(held.bundle);
  } catch (e) {
    if (e instanceof SamplingCancelledError || ctx.signal.aborted) throw new CancelledError();
    throw nodeErrorOf(e);
  } finally {
    held.release();
  }
}

/**
 * Step progress with the window and step in words (and where a resumed run started), and a latent preview of the
 * window's first new frame now and then.
 */
export function samplingReporter(ctx: ExecuteContext, latent: { latentHeight: number; latentWidth: number }, provider: string) {
  const { latentHeight, latentWidth } = latent;
  let lastPreview = -Infinity;
  const started = performance.now();
  return async (p: SamplingProgress): Promise<void> => {
    const done = p.window * p.steps + p.step + 1;
    const total = p.windows * p.steps;
    // Time left from this run's own pace: the windows it resumed after took no time here.
    const skipped = p.firstWindow * p.steps;
    const left = remainingText(done - skipped, total - skipped, performance.now() - started);
    const resumed = p.firstWindow > 0 ? `, resumed at window ${p.firstWindow + 1} of ${p.windows}` : '';
    ctx.progress(done, total, `window ${p.window + 1}/${p.windows}, step ${p.step + 1}/${p.steps} (${provider})${resumed}${left ? `, ${left}` : ''}`);
    const now = performance.now();
    if (now - lastPreview < PREVIEW_INTERVAL_MS && p.step + 1 < p.steps) return;
    lastPreview = now;
    const rgb = windowPreviewRgb(p.denoised, latentHeight, latentWidth);
    if (!rgb) return;
    const png = await encodePng({ width: latentWidth, height: latentHeight, data: rgb }, 1);
    ctx.frame({ output: 'latent-preview', index: p.firstFrame, width: latentWidth, height: latentHeight, mime: 'image/png', data: png });
  };
}

/**
 * The pipeline's checkpoint hooks on the node's checkpoint store: each finished window is saved, and the windows an
 * earlier execution of this node saved (same cache key) are replayed instead of sampled again. A checkpoint that
 * does not read back counts as missing, so sampling starts over from that window.
 */
export function windowCheckpointing(ctx: ExecuteContext): Pick<SampleClipRequest, 'resume' | 'onWindow'> {
  const store = ctx.checkpoints;
  if (!store) return {};
  return {
    resume: async (window) => {
      const bytes = await store.load(window);
      if (!bytes) return undefined;
      try {
        return decodeWindowCheckpoint(bytes);
      } catch (e) {
        if (e instanceof WindowCheckpointError) return undefined;
        throw e;
      }
    },
    onWindow: (checkpoint) => store.save(checkpoint.window, encodeWindowCheckpoint(checkpoint)),
  };
}

/** What the node's report says of a resumed run: how many windows came from an earlier execution's checkpoints. */
export function resumedReport(result: { resumedAt?: number }): { windowsFromCheckpoints?: number } {
  return result.resumedAt === undefined ? {} : { windowsFromCheckpoints: result.resumedAt };
}

const REPORT = 'lvcd.json';

/** Where the bundle's networks run in this process: the facts a run's record keeps. */
export function runtimeOf(bundle: LvcdBundle): RecordedRuntime {
  return {
    engine: 'onnxruntime-node',
    version: onnxRuntimeVersion(),
    provider: bundle.provider,
    providers: { ...bundle.providers },
    sessionOptions: { ...BASE_SESSION_OPTIONS, executionProviders: [bundle.provider] },
    precision: bundle.manifest.precision,
  };
}

/**
 * A small JSON artefact saying how the clip was sampled (provider, windows, padding), kept with the run; its
 * `runtime` is what the run's record reports for this node, cached outputs included.
 */
export async function writeRunReport(ctx: ExecuteContext, bundle: LvcdBundle, report: Record<string, unknown>): Promise<void> {
  const file = join(ctx.outDir, REPORT);
  const meta = { ...report, runtime: runtimeOf(bundle) };
  await writeFile(file, JSON.stringify(meta, null, 2));
  ctx.artifact({ file, name: REPORT, mime: 'application/json', kind: 'json', meta });
}

/** The runtime a node's report recorded when it produced its outputs. */
export function reportedProvenance({ artifacts }: { artifacts: readonly Artifact[] }): NodeProvenance | undefined {
  const runtime = artifacts.find((a) => a.name === REPORT)?.meta?.['runtime'];
  return runtime ? { runtime: runtime as RecordedRuntime } : undefined;
}
