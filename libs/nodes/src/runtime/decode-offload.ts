import type { VideoDecoder } from '@lvcd/models';
import type { ModelBundleValue } from './values.js';

/** Where a run's decode chunks went: how many, how many to another worker, and which workers. */
export interface DecodeOffloadReport {
  chunks: number;
  elsewhere: number;
  workers: string[];
}

/** A decoder that sends chunks to another worker, and decodes one here itself when none is free to take it. */
export interface OffloadedDecoder extends VideoDecoder {
  report(): DecodeOffloadReport;
}

/**
 * Decoding on another worker while this one samples on (scale-out). LVCD's windows are sequential, but a finished
 * window's decode is not: it can run on another worker (another GPU) while the next window samples here.
 */
export interface DecodeOffload {
  /**
   * A decoder for this bundle's latents; `local` is the bundle's own decoder, the one that decodes when no other
   * worker is free, and `provider` the one the bundle runs on here (a chunk decodes elsewhere on the same).
   */
  decoder(bundle: ModelBundleValue, provider: 'cuda' | 'cpu', local: VideoDecoder): OffloadedDecoder;
  /** Chunks of one run that may decode elsewhere at once (DecodeStream's `ahead`). */
  readonly ahead: number;
}
