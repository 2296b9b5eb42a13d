import type { LatentStoreInfo } from '@lvcd/models';
import type { FrameStoreInfo } from '@lvcd/media';
import type { SocketType } from '../types.js';

/**
 * What flows along a link at run time. Every value is a small JSON handle to files on disk, so node outputs
 * can be cached as JSON and a long clip never sits in memory.
 */
export interface ImageValue {
  kind: 'image';
  file: string;
  width: number;
  height: number;
}

export interface FramesValue extends FrameStoreInfo {
  kind: 'frames';
}

/** Sampled LVCD latents (scaled, x 0.18215), one file per frame. */
export interface LatentsValue extends LatentStoreInfo {
  kind: 'latents';
  /** The model bundle that sampled them, whose decoder turns them into frames. */
  bundle: ModelBundleValue;
  /** Leading latents that are clip frames (the rest pad the last window). */
  keep: number;
  fps: number;
}

export interface MetricsValue {
  kind: 'metrics';
  /** JSON file with the per-frame table. */
  file: string;
  summary: Record<string, number>;
}

export interface ModelBundleValue {
  kind: 'models';
  dir: string;
  provider: 'auto' | 'cuda' | 'cpu';
  precision: 'fp32' | 'fp16' | 'fp16-compute';
}

export type Value = ImageValue | FramesValue | LatentsValue | MetricsValue | ModelBundleValue;

/** The value kind each socket type carries (SKETCHES are frame sequences too). */
export const VALUE_KIND: Record<SocketType, Value['kind']> = {
  IMAGE: 'image',
  FRAMES: 'frames',
  SKETCHES: 'frames',
  LATENTS: 'latents',
  LVCD_MODELS: 'models',
  METRICS: 'metrics',
};

export function framesValue(info: FrameStoreInfo): FramesValue {
  return { kind: 'frames', ...info };
}
