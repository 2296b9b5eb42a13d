import { planDecodeChunks, type DecodeChunkConfig } from './decode-plan.js';
import { LATENT_SCALE, throwIfSamplingCancelled } from './sampler.js';

/** The temporal VAE decoder: unscaled latents (n, 4, h, w) of one clip in, frames (n, 3, H, W) in [-1, 1] out (unclamped). */
export interface VideoDecoder {
  decode(latents: Float32Array, frames: number): Promise<Float32Array>;
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

  constructor(
    private readonly decoder: VideoDecoder,
    totalLatents: number,
    config: DecodeChunkConfig | undefined,
    private readonly onFrame: (index: number, frame: Float32Array, replayed: boolean) => void | Promise<void>,
    /** Leading latents that are the original's output (the rest pad the clip): decoded as the original decodes them. */
    originalLatents = totalLatents,
    /** Checked before each chunk: a cancel stops after the chunk being decoded (SamplingCancelledError). */
    private readonly signal?: AbortSignal,
  ) {
    this.chunks = planDecodeChunks(totalLatents, config, originalLatents);
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
      throwIfSamplingCancelled(this.signal);
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
    const size = this.latents.get(chunk.latents[0]!)!.length;
    const input = new Float32Array(chunk.latents.length * size);
    chunk.latents.forEach((latent, j) => {
      const source = this.latents.get(latent)!;
      for (let i = 0; i < size; i++) input[j * size + i] = source[i]! / LATENT_SCALE;
    });
    const frames = await this.decoder.decode(input, chunk.latents.length);
    const frameSize = frames.length / chunk.latents.length;
    for (let j = chunk.drop; j < chunk.latents.length; j++) {
      const frame = frames.slice(j * frameSize, (j + 1) * frameSize);
      for (let i = 0; i < frame.length; i++) frame[i] = Math.min(1, Math.max(-1, frame[i]!));
      await this.onFrame(chunk.firstOutput + j - chunk.drop, frame, replayed);
    }
  }
}
