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
  /**
   * Chunks that may still be decoding when `push` returns. 0 (the default): `push` returns once the chunks it
   * completed are decoded, so sampling waits for decoding. More suits a decoder elsewhere (another worker): the
   * chunk's decode starts and sampling goes on meanwhile; frames are still handed on in order, and `flush` waits
   * for the rest.
   */
  ahead?: number;
}

type Chunk = ReturnType<typeof planDecodeChunks>[number];

/**
 * Decodes latents as they arrive, chunk by chunk (spec §4.9): each chunk is decoded as soon as its last latent
 * exists, its frames clamped to [-1, 1] and handed on; latents no later chunk needs are dropped, so memory
 * holds one chunk (and the inputs of the chunks decoding ahead) whatever the clip length.
 */
export class DecodeStream {
  private readonly chunks;
  private readonly latents = new Map<number, Float32Array>();
  private next = 0;
  private readonly ahead: number;
  /** Chunks started and not yet handed on, oldest first; each hands its frames on after the one before. */
  private readonly deliveries: Promise<void>[] = [];

  constructor(private readonly options: DecodeStreamOptions) {
    this.chunks = planDecodeChunks(options.totalLatents, options.config, options.originalLatents ?? options.totalLatents);
    this.ahead = options.ahead ?? 0;
    if (!Number.isInteger(this.ahead) || this.ahead < 0) throw new RangeError(`chunks decoding ahead must be a whole number >= 0, got ${options.ahead}`);
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
      this.start(chunk, replayed);
      this.next++;
      const stillNeeded = new Set(this.chunks.slice(this.next).flatMap((c) => c.latents));
      for (const i of this.latents.keys()) if (!stillNeeded.has(i)) this.latents.delete(i);
      while (this.deliveries.length > this.ahead) await this.deliveries.shift();
    }
  }

  /** Waits for the chunks still decoding ahead, their frames handed on. */
  async flush(): Promise<void> {
    while (this.deliveries.length > 0) await this.deliveries.shift();
  }

  /** Every chunk decoded and its frames handed on. */
  get done(): boolean {
    return this.next === this.chunks.length && this.deliveries.length === 0;
  }

  /** Starts the chunk's decode now and queues the hand-over of its frames after the chunk before. */
  private start(chunk: Chunk, replayed: boolean): void {
    const decoding = this.options.decoder.decode(this.chunkInput(chunk), chunk.latents.length);
    // Its failure is reported by its delivery, in turn; until then it must not count as unhandled.
    decoding.catch(() => undefined);
    const previous = this.deliveries.at(-1) ?? Promise.resolve();
    const delivery = previous.then(async () => this.handOn(chunk, await decoding, replayed));
    // Awaited by push or flush; a run that stops before then (cancelled, failed) leaves it unobserved on purpose.
    delivery.catch(() => undefined);
    this.deliveries.push(delivery);
  }

  /** The chunk's latents unscaled into one tensor; copied now, so the stream may drop latents while it decodes. */
  private chunkInput(chunk: Chunk): Float32Array {
    // push() starts a chunk only once every latent of it is held, so these lookups find them.
    const sources = chunk.latents.map((latent) => this.latents.get(latent)!);
    const size = sources[0]?.length ?? 0;
    const input = new Float32Array(chunk.latents.length * size);
    sources.forEach((source, j) => {
      if (source.length !== size) throw new RangeError(`latent ${chunk.latents[j]} holds ${source.length} values, latent ${chunk.latents[0]} ${size}`);
      for (let i = 0; i < size; i++) input[j * size + i] = source[i]! / this.options.scaleFactor;
    });
    return input;
  }

  private async handOn(chunk: Chunk, frames: Float32Array, replayed: boolean): Promise<void> {
    const frameSize = frames.length / chunk.latents.length;
    for (let j = chunk.drop; j < chunk.latents.length; j++) {
      const frame = frames.slice(j * frameSize, (j + 1) * frameSize);
      for (let i = 0; i < frame.length; i++) frame[i] = Math.min(1, Math.max(-1, frame[i]!));
      await this.options.onFrame(chunk.firstOutput + j - chunk.drop, frame, replayed);
    }
  }
}
