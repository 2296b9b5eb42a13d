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

export function planDecodeChunks(latentCount: number, config: DecodeChunkConfig = DEFAULT_DECODE_CHUNKS): DecodeChunk[] {
  const { chunk, overlap, first } = config;
  const advance = chunk - first - overlap;
  if (advance < 1) throw new RangeError(`decoding chunk ${chunk} must exceed reference ${first} + overlap ${overlap}`);
  const chunks: DecodeChunk[] = [];
  for (let i = 0, end = 0; end < latentCount; i++) {
    const start = i * advance + first;
    end = Math.min(start + chunk - first, latentCount);
    const latents = [...Array(first).fill(0), ...Array.from({ length: end - start }, (_, j) => start + j)];
    const drop = i === 0 ? 0 : first + overlap;
    chunks.push({ latents, drop, firstOutput: i === 0 ? 0 : start + overlap });
  }
  return chunks;
}
