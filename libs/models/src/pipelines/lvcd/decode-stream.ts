import { planDecodeChunks, type DecodeChunkConfig } from './decode-plan.js';
import { throwIfSamplingCancelled } from './sampler.js';

/** The temporal VAE decoder: unscaled latents (n, 4, h, w) of one clip in, frames (n, 3, H, W) in [-1, 1] out (unclamped). */
export interface VideoDecoder {
  decode(latents: Float32Array, frames: number): Promise<Float32Array>;
}

export interface DecodeStreamOptions {
  decoder: VideoDecoder;
  /** The bundle's latent scale factor: latents arrive scaled, the decoder takes them unscaled. */
  scaleFactor: number;
  totalLatents: number;
  config?: DecodeChunkConfig | undefined;
  onFrame(index: number, frame: Float32Array, replayed: boolean): void | Promise<void>;
  /** Leading latents that are the original's output (the rest pad the clip): decoded as the original decodes them. */
  originalLatents?: number;
  /** Checked before each chunk: a cancel stops after the chunk being decoded (SamplingCancelledError). */
  signal?: AbortSignal | undefined;
}

/**
 * Decodes latents as they arrive, chunk by chunk (spec §4.9): each chunk is decoded as soon as its last latent
 * exists, its frames clamped to [-1, 1] and handed on; latents no later chunk needs are dropped, so memory
 * holds one chunk whatever the clip length.
 */
export class DecodeStream {
  private readonly chunks;
  private readonly latents = new Map<number, Float32Array>();
  private next = 0;

  constructor(private readonly options: DecodeStreamOptions) {
    this.chunks = planDecodeChunks(options.totalLatents, options.config, options.originalLatents ?? options.totalLatents);
  }

  /**
   * Takes the scaled latent of output frame `index`; decodes every chunk that is now complete. `replayed` is
   * handed to the frames it completes (latents an earlier run made, see ColorizeRequest).
   */
  async push(index: number, scaledLatent: Float32Array, replayed = false): Promise<void> {
    this.latents.set(index, scaledLatent);
    while (this.next < this.chunks.length) {
      const chunk = this.chunks[this.next]!;
      if (!chunk.latents.every((i) => this.latents.has(i))) return;
      throwIfSamplingCancelled(this.options.signal);
      await this.decodeChunk(chunk, replayed);
      this.next++;
      const stillNeeded = new Set(this.chunks.slice(this.next).flatMap((c) => c.latents));
      for (const i of this.latents.keys()) if (!stillNeeded.has(i)) this.latents.delete(i);
    }
  }

  get done(): boolean {
    return this.next === this.chunks.length;
  }

  private async decodeChunk(chunk: (typeof this.chunks)[number], replayed: boolean): Promise<void> {
    // push() decodes a chunk only once every latent of it is held, so these lookups find them.
    const sources = chunk.latents.map((latent) => this.latents.get(latent)!);
    const size = sources[0]?.length ?? 0;
    const input = new Float32Array(chunk.latents.length * size);
    sources.forEach((source, j) => {
      if (source.length !== size) throw new RangeError(`latent ${chunk.latents[j]} holds ${source.length} values, latent ${chunk.latents[0]} ${size}`);
      for (let i = 0; i < size; i++) input[j * size + i] = source[i]! / this.options.scaleFactor;
    });
    const frames = await this.options.decoder.decode(input, chunk.latents.length);
    const frameSize = frames.length / chunk.latents.length;
    for (let j = chunk.drop; j < chunk.latents.length; j++) {
      const frame = frames.slice(j * frameSize, (j + 1) * frameSize);
      for (let i = 0; i < frame.length; i++) frame[i] = Math.min(1, Math.max(-1, frame[i]!));
      await this.options.onFrame(chunk.firstOutput + j - chunk.drop, frame, replayed);
    }
  }
}
