import { bundleContentHash, detectProvider, estimatePlan, freeDeviceMemory, isBundleOpen, readBundleManifest, type BundleManifest, type PlanEstimate } from '@lvcd/models';
import { NodeError, type NodeEstimate } from '../../runtime/node-type.js';
import type { ModelBundleValue } from '../../runtime/values.js';

export interface PreflightRequest {
  node: string;
  models: ModelBundleValue;
  width: number;
  height: number;
  frames: number;
  pad: boolean;
  steps: number;
  /** Absent for nodes that only sample (LVCD Sample): then only a denoiser step has to fit. */
  decoding?: { chunk: number; overlap: number };
  provider: 'cpu' | 'cuda';
}

const GB = 2 ** 30;
const gb = (bytes: number) => `${(bytes / GB).toFixed(1)} GB`;

/** Which input or param of the LVCD node each kind of advice points at. */
const FIELD_OF_ADVICE = { decodeChunk: 'decodeChunk', size: 'sketches', precision: 'models', worker: 'models' } as const;

/**
 * LVCD_MEMORY_LIMIT_MB caps what a run may take on its device (a worker sharing its machine with other work);
 * unset, the free memory is the limit.
 */
function capped(free: number | undefined): number | undefined {
  const limit = Number(process.env.LVCD_MEMORY_LIMIT_MB);
  if (!(limit > 0)) return free;
  return Math.min(free ?? Infinity, limit * 2 ** 20);
}

/** The estimate for a run against the memory free on its device now; an open bundle's weights count as held. */
export function preflightVerdict(r: PreflightRequest, manifest: BundleManifest, freeBytes: number, alreadyOpen: boolean): { estimate: PlanEstimate; peakBytes: number; freeBytes: number } {
  const estimate = estimatePlan({
    manifest,
    width: r.width,
    height: r.height,
    frames: r.frames,
    pad: r.pad,
    steps: r.steps,
    ...(r.decoding ? { decoding: r.decoding } : {}),
    weightsResident: alreadyOpen,
    provider: r.provider,
    deviceMemoryBytes: freeBytes,
  });
  return { estimate, peakBytes: estimate.peakBytes, freeBytes };
}

/** The run's estimate on this machine now: the bundle's manifest, the device's free memory (capped), whether the bundle is open. */
async function estimateNow(r: PreflightRequest): Promise<{ estimate: PlanEstimate; free: number | undefined }> {
  const manifest = await readBundleManifest(r.models.dir);
  const free = capped(await freeDeviceMemory(r.provider));
  const open = isBundleOpen(r.models.dir, r.models.provider, bundleContentHash(manifest));
  return { estimate: preflightVerdict(r, manifest, free ?? Infinity, open).estimate, free };
}

/** A request for an LVCD node from the clip facts it gets, on the provider its bundle will run on. */
async function requestFor(
  node: string,
  models: ModelBundleValue,
  clip: { width: number; height: number; frames: number },
  params: { steps: number; pad: boolean },
  decoding: { chunk: number; overlap: number } | undefined,
): Promise<PreflightRequest> {
  const provider = await detectProvider(models.provider);
  return { node, models, width: clip.width, height: clip.height, frames: clip.frames, pad: params.pad, steps: params.steps, ...(decoding ? { decoding } : {}), provider };
}

/**
 * Refuses, before any model is opened, a run whose estimated peak does not fit the memory free on its device,
 * naming the param or input to change (the decode chunk first when decoding is the peak). Returns the estimate.
 */
export async function checkRunFits(r: PreflightRequest): Promise<PlanEstimate> {
  const { estimate, free } = await estimateNow(r);
  if (free === undefined || estimate.fits) return estimate;
  const first = estimate.advice[0];
  const what = r.decoding && estimate.decoderPeakBytes >= estimate.denoiserPeakBytes ? `a decode chunk of ${r.decoding.chunk} frames, ${gb(estimate.decoderPeakBytes)}` : `a denoiser step, ${gb(estimate.denoiserPeakBytes)}`;
  throw new NodeError(
    `${r.node} would hold about ${gb(estimate.peakBytes)} at its peak (weights ${gb(estimate.weightsBytes)}, ${what}), ${gb(estimate.peakBytes - free)} more than the ${gb(free)} free on the ${r.provider.toUpperCase()}; ` +
      `${estimate.advice.map((a) => a.text).join('; or ')}`,
    first ? FIELD_OF_ADVICE[first.change] : 'models',
  );
}

/** The pre-flight of an LVCD node over its prepared clip. */
export async function preflightClip(
  node: string,
  models: ModelBundleValue,
  clip: { width: number; height: number; keep: number; frameCount: number },
  params: { steps: number; pad: boolean },
  decoding?: { chunk: number; overlap: number },
): Promise<PlanEstimate> {
  const frames = params.pad ? clip.keep : clip.frameCount;
  return checkRunFits(await requestFor(node, models, { width: clip.width, height: clip.height, frames }, params, decoding));
}

const duration = (s: number) => (s < 120 ? `${s.toFixed(1)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);

/**
 * A node's estimate from the sketches it would get (`lvcd plan`, before a run): the same figures the pre-flight
 * checks, in words.
 */
export async function estimateClipNode(
  node: string,
  models: ModelBundleValue,
  sketches: { width: number; height: number; count: number },
  params: { steps: number; pad: boolean },
  decoding?: { chunk: number; overlap: number },
): Promise<NodeEstimate> {
  const request = await requestFor(node, models, { width: sketches.width, height: sketches.height, frames: sketches.count }, params, decoding);
  const { estimate, free } = await estimateNow(request);
  const fits = free === undefined || estimate.fits;
  const details = [
    `${estimate.windows} window${estimate.windows === 1 ? '' : 's'} for ${estimate.outputFrames} frames at ${sketches.width}x${sketches.height}, ${params.steps} steps, on the ${request.provider.toUpperCase()}`,
    `peak ${gb(estimate.peakBytes)}: weights ${gb(estimate.weightsBytes)}, denoiser step ${gb(estimate.denoiserPeakBytes)}${decoding ? `, decode chunk of ${decoding.chunk} ${gb(estimate.decoderPeakBytes)}` : ''}${free === undefined ? '' : `; ${gb(free)} free`}`,
    `time: ${duration(estimate.stepSeconds)} a step, ${duration(estimate.windowSeconds)} a window${decoding ? `, ${duration(estimate.decodeSeconds)} decoding` : ''}, ${duration(estimate.totalSeconds)} in all`,
    ...(fits ? [] : estimate.advice.map((a) => `does not fit: ${a.text}`)),
    estimate.basis,
  ];
  return { peakBytes: estimate.peakBytes, ...(free === undefined ? {} : { freeBytes: free }), fits, seconds: estimate.totalSeconds, details };
}

/** "about 3 min left" from the steps done so far and the time they took. */
export function remainingText(done: number, total: number, elapsedMs: number): string {
  if (done <= 0 || done >= total) return '';
  const seconds = ((total - done) * elapsedMs) / done / 1000;
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${(seconds / 3600).toFixed(1)} h left`;
}
