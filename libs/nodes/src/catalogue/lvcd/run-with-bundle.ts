import { acquireBundle, latentPreviewRgb, SamplingCancelledError, type LvcdBundle, type SamplingProgress } from '@lvcd/models';
import { encodePng } from '@lvcd/media';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledError, NodeError, type ExecuteContext } from '../../runtime/node-type.js';
import type { ModelBundleValue } from '../../runtime/values.js';

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
  return async (p: SamplingProgress): Promise<void> => {
    ctx.progress(p.window * p.steps + p.step + 1, p.windows * p.steps, `window ${p.window + 1}/${p.windows}, step ${p.step + 1}/${p.steps} (${provider})`);
    const now = performance.now();
    if (now - lastPreview < PREVIEW_INTERVAL_MS && p.step + 1 < p.steps) return;
    lastPreview = now;
    const plane = 4 * latentWidth * latentHeight;
    const rgb = latentPreviewRgb(p.denoised.subarray(5 * plane, 6 * plane), latentHeight, latentWidth);
    const png = await encodePng({ width: latentWidth, height: latentHeight, data: rgb }, 1);
    ctx.frame({ output: 'latent-preview', index: p.firstFrame, width: latentWidth, height: latentHeight, mime: 'image/png', data: png });
  };
}

/** A small JSON artefact saying how the clip was sampled (provider, windows, padding), kept with the run. */
export async function writeRunReport(ctx: ExecuteContext, report: Record<string, unknown>): Promise<void> {
  const file = join(ctx.outDir, 'lvcd.json');
  await writeFile(file, JSON.stringify(report, null, 2));
  ctx.artifact({ file, name: 'lvcd.json', mime: 'application/json', kind: 'json', meta: report });
}
