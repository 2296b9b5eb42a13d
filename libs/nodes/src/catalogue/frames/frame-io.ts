import { encodePng, FrameStoreWriter, MediaError, readFrames, type RgbImage } from '@lvcd/media';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeError, throwIfCancelled, type ExecuteContext } from '../../runtime/node-type.js';
import { framesValue, type FramesValue, type ImageValue, type Value } from '../../runtime/values.js';

/** Turns a media failure into a NodeError on the field the user has to change, with the fix. */
export function toNodeError(e: unknown, field: string): unknown {
  if (e instanceof MediaError) return new NodeError(`${e.message}; ${e.fix}`, field);
  return e;
}

/** Previews go out at most this often, so a long clip does not flood the editor's socket. */
const PREVIEW_INTERVAL_MS = 400;

export interface FramesOutputOptions {
  /** Frames expected, for progress and previews. */
  total?: number;
  /** Output socket the previews belong to. */
  output?: string;
  folder?: string;
  /** Report progress per frame written (off when the node reports its own, e.g. sampling steps). */
  progress?: boolean;
}

/**
 * A frame sequence a node produces, written frame by frame into a new frame store in the node's folder with
 * one frame in memory at a time; reports progress and pushes throttled previews (always the first and last).
 */
export class FramesOutput {
  private lastPreview = -Infinity;
  private pending: { png: Buffer; image: RgbImage } | undefined;

  private constructor(
    private readonly ctx: ExecuteContext,
    private readonly writer: FrameStoreWriter,
    private readonly options: FramesOutputOptions,
  ) {}

  static async create(ctx: ExecuteContext, fps: number, options: FramesOutputOptions = {}): Promise<FramesOutput> {
    return new FramesOutput(ctx, await FrameStoreWriter.create(join(ctx.outDir, options.folder ?? 'frames'), fps), options);
  }

  async push(image: RgbImage): Promise<void> {
    throwIfCancelled(this.ctx.signal);
    const index = this.writer.length;
    const png = await this.writer.append(image);
    this.pending = { png, image };
    const now = performance.now();
    if (now - this.lastPreview >= PREVIEW_INTERVAL_MS) {
      this.lastPreview = now;
      this.preview(index);
    }
    if (this.options.progress !== false) this.ctx.progress(index + 1, this.options.total ?? index + 1);
  }

  async finish(): Promise<FramesValue> {
    if (this.pending) this.preview(this.writer.length - 1);
    return framesValue(await this.writer.finish());
  }

  private preview(index: number): void {
    const { png, image } = this.pending!;
    this.pending = undefined;
    const count = this.options.total;
    this.ctx.frame({ output: this.options.output ?? 'frames', index, ...(count ? { count } : {}), width: image.width, height: image.height, mime: 'image/png', data: png });
  }
}

/** Writes a stream of frames as a node's frame-sequence output (see FramesOutput). */
export async function writeFrames(ctx: ExecuteContext, frames: AsyncIterable<RgbImage>, fps: number, options: FramesOutputOptions = {}): Promise<FramesValue> {
  const output = await FramesOutput.create(ctx, fps, options);
  for await (const image of frames) await output.push(image);
  return output.finish();
}

/** Reads a stored sequence as a stream of images, checking cancellation between frames. */
export async function* streamFrames(ctx: ExecuteContext, store: FramesValue, start = 0, end = store.count, stride = 1): AsyncGenerator<RgbImage> {
  for await (const { image } of readFrames(store, start, end, stride)) {
    throwIfCancelled(ctx.signal);
    yield image;
  }
}

export async function writeImageValue(ctx: ExecuteContext, image: RgbImage, name = 'image.png'): Promise<ImageValue> {
  const file = join(ctx.outDir, name);
  await writeFile(file, await encodePng(image));
  return { kind: 'image', file, width: image.width, height: image.height };
}
