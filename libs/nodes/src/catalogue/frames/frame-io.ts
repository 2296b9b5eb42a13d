import { encodePng, FrameStoreWriter, MediaError, readFrames, type RgbImage } from '@lvcd/models';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeError, throwIfCancelled, type ExecuteContext } from '../../runtime/node-type.js';
import { framesValue, type FramesValue, type ImageValue, type Value } from '../../runtime/values.js';

/** Turns a media failure into a NodeError on the field the user has to change, with the fix. */
export function toNodeError(e: unknown, field: string): unknown {
  if (e instanceof MediaError) return new NodeError(`${e.message}; ${e.fix}`, field);
  return e;
}

/** The frame sequence on an input, or a NodeError saying what to connect. */
export function framesInput(ctx: ExecuteContext, name: string): FramesValue {
  const value: Value | undefined = ctx.inputs[name];
  if (!value || value.kind !== 'frames') throw new NodeError(`input "${name}" needs a frame sequence`, name);
  return value;
}

export function imageInput(ctx: ExecuteContext, name: string): ImageValue {
  const value: Value | undefined = ctx.inputs[name];
  if (!value || value.kind !== 'image') throw new NodeError(`input "${name}" needs an image`, name);
  return value;
}

/** Previews go out at most this often, so a long clip does not flood the editor's socket. */
const PREVIEW_INTERVAL_MS = 400;

/**
 * Writes frames as they come into a new frame store in the node's folder, one frame in memory at a
 * time; reports progress, pushes throttled previews (always the first and last) and checks cancellation.
 */
export async function writeFrames(ctx: ExecuteContext, frames: AsyncIterable<RgbImage>, fps: number, options: { total?: number; output?: string; folder?: string } = {}): Promise<FramesValue> {
  const writer = await FrameStoreWriter.create(join(ctx.outDir, options.folder ?? 'frames'), fps);
  let lastPreview = -Infinity;
  let last: { png: Buffer; image: RgbImage } | undefined;
  for await (const image of frames) {
    throwIfCancelled(ctx.signal);
    const index = writer.length;
    const png = await writer.append(image);
    last = { png, image };
    const now = performance.now();
    if (now - lastPreview >= PREVIEW_INTERVAL_MS) {
      lastPreview = now;
      pushPreview(ctx, options.output ?? 'frames', index, options.total, image, png);
      last = undefined;
    }
    ctx.progress(index + 1, options.total ?? index + 1);
  }
  if (last) pushPreview(ctx, options.output ?? 'frames', writer.length - 1, options.total, last.image, last.png);
  return framesValue(await writer.finish());
}

function pushPreview(ctx: ExecuteContext, output: string, index: number, count: number | undefined, image: RgbImage, png: Buffer): void {
  ctx.frame({ output, index, ...(count ? { count } : {}), width: image.width, height: image.height, mime: 'image/png', data: png });
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
