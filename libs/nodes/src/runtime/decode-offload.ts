import type { VideoDecoder } from '@lvcd/models';

/** Where a run's decode chunks went: how many, how many to another worker, and which workers. */
export interface DecodeOffloadReport {
  chunks: number;
  elsewhere: number;
  workers: string[];
}

/** The bundle a run samples with, as another worker needs to decode its latents the same way. */
export interface OffloadedBundle {
  dir: string;
  /** Its content identity (bundleContentHash): another worker decodes only with a bundle of the same. */
  contentHash: string;
  /** Where it runs here; a chunk decodes elsewhere on the same provider. */
  provider: 'cuda' | 'cpu';
  /** Its own decoder, here. */
  local: VideoDecoder;
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
  /** A decoder for the latents of this open bundle; its own decoder decodes a chunk when no other worker is free. */
  decoder(bundle: OffloadedBundle): OffloadedDecoder;
  /** Chunks of one run that may decode elsewhere at once (DecodeStream's `ahead`). */
  readonly ahead: number;
}
