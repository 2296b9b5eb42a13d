/**
 * Chunked temporal decoding: the VAE decoder sees clips of at most `chunk` latents, each led by the reference
 * latent (index 0) so colours stay anchored; chunks overlap by `overlap` latents whose decoded frames are
 * dropped from every chunk but the first.
 */
export interface DecodeChunk {
  /** Latent indices decoded together, the reference first. */
  latents: number[];
  /** How many leading decoded frames to drop. */
  drop: number;
  /** The output frame index of the first kept frame. */
  firstOutput: number;
}

export interface DecodeChunkConfig {
  /** decoding_t: latents per chunk, reference included (default 10). */
  chunk: number;
  /** decoding_olap: overlapping latents between chunks (default 3). */
  overlap: number;
  /** decoding_first: leading reference latents per chunk (default 1). */
  first: number;
}

export const DEFAULT_DECODE_CHUNKS: DecodeChunkConfig = { chunk: 10, overlap: 3, first: 1 };

/**
 * The chunks of spec §4.9 for `latentCount` latents. When only the first `originalCount` of them are the original's
 * output (the rest come from padding), those are original exactly as the original chunks `originalCount` latents, so
 * their frames are the original's; the extra latents follow in chunks of their own, each still led by the reference
 * and by `overlap` latents before it whose frames are dropped.
 */
export function planDecodeChunks(latentCount: number, config: DecodeChunkConfig = DEFAULT_DECODE_CHUNKS, originalCount = latentCount): DecodeChunk[] {
  const { chunk, overlap, first } = config;
  const advance = chunk - first - overlap;
  if (advance < 1) throw new RangeError(`decoding chunk ${chunk} must exceed reference ${first} + overlap ${overlap}`);
  const original = originalCount > 0 && originalCount < latentCount ? originalCount : latentCount;
  const chunks: DecodeChunk[] = [];
  for (let i = 0, end = 0; end < original; i++) {
    const start = i * advance + first;
    end = Math.min(start + chunk - first, original);
    chunks.push({ latents: chunkLatents(first, start, end), drop: i === 0 ? 0 : first + overlap, firstOutput: i === 0 ? 0 : start + overlap });
  }
  // The first padding chunk is led by the last `overlap` original latents, or by all of them after the reference when
  // the clip is shorter than that (a 2-frame clip padded to a window); later ones overlap the chunk before in full.
  for (let start = original - Math.min(overlap, original - first), end = original; end < latentCount; ) {
    const lead = end - start;
    end = Math.min(start + chunk - first, latentCount);
    chunks.push({ latents: chunkLatents(first, start, end), drop: first + lead, firstOutput: start + lead });
    start = end - overlap;
  }
  return chunks;
}

function chunkLatents(first: number, start: number, end: number): number[] {
  return [...Array<number>(first).fill(0), ...Array.from({ length: end - start }, (_, j) => start + j)];
}
