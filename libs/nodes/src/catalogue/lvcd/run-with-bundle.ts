import { acquireBundle, BASE_SESSION_OPTIONS, latentPreviewRgb, onnxRuntimeVersion, SamplingCancelledError, type LvcdBundle, type SamplingProgress } from '@lvcd/models';
import { encodePng } from '@lvcd/media';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeProvenance, RecordedRuntime } from '../../run-record.js';
import { CancelledError, NodeError, type Artifact, type ExecuteContext } from '../../runtime/node-type.js';
import type { ModelBundleValue } from '../../runtime/values.js';
import { remainingText } from './preflight.js';

/** Latent previews go out at most this often: they are for watching, not for every step. */
const PREVIEW_INTERVAL_MS = 500;

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
    throw e;
  } finally {
    held.release();
  }
}

/** Step progress with the window and step in words, and a latent preview of the window's first new frame now and then. */
export function samplingReporter(ctx: ExecuteContext, latentWidth: number, latentHeight: number, provider: string) {
  let lastPreview = -Infinity;
  const started = performance.now();
  return async (p: SamplingProgress): Promise<void> => {
    const done = p.window * p.steps + p.step + 1;
    const total = p.windows * p.steps;
    const left = remainingText(done, total, performance.now() - started);
    ctx.progress(done, total, `window ${p.window + 1}/${p.windows}, step ${p.step + 1}/${p.steps} (${provider})${left ? `, ${left}` : ''}`);
    const now = performance.now();
    if (now - lastPreview < PREVIEW_INTERVAL_MS && p.step + 1 < p.steps) return;
    lastPreview = now;
    const plane = 4 * latentWidth * latentHeight;
    const rgb = latentPreviewRgb(p.denoised.subarray(5 * plane, 6 * plane), latentHeight, latentWidth);
    const png = await encodePng({ width: latentWidth, height: latentHeight, data: rgb }, 1);
    ctx.frame({ output: 'latent-preview', index: p.firstFrame, width: latentWidth, height: latentHeight, mime: 'image/png', data: png });
  };
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
