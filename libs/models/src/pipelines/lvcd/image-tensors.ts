import type { RgbImage } from '@lvcd/media';

/** An 8-bit RGB image as a (3, H, W) float tensor in [0, 1] or [-1, 1] (the networks' layouts). */
export function imageToChw(image: RgbImage, range: '0..1' | '-1..1'): Float32Array {
  const plane = image.width * image.height;
  if (image.data.length !== 3 * plane) throw new RangeError(`an RGB image of ${image.width}x${image.height} holds ${3 * plane} bytes, not ${image.data.length}`);
  const out = new Float32Array(3 * plane);
  const [scale, shift] = range === '0..1' ? [1 / 255, 0] : [2 / 255, -1];
  // i * 3 + c < 3 * plane = data.length, checked above.
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = image.data[i * 3 + c]! * scale + shift;
  }
  return out;
}

/** A decoded frame (3, H, W) in [-1, 1] back to 8-bit RGB, rounded. */
export function chwToImage(chw: Float32Array, width: number, height: number): RgbImage {
  const plane = width * height;
  if (chw.length !== 3 * plane) throw new RangeError(`a (3, ${height}, ${width}) frame holds ${3 * plane} values, not ${chw.length}`);
  const data = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(Math.min(1, Math.max(-1, chw[c * plane + i]!)) * 127.5 + 127.5);
  }
  return { width, height, data };
}

/** The reference frame as the pipeline takes it: (3, H, W) in [-1, 1]. */
export function referenceTensor(image: RgbImage): Float32Array {
  return imageToChw(image, '-1..1');
}

/**
 * The control hint of each clip frame from its sketch: (3, H, W) in [0, 1], white paper, dark lines. Frames past
 * the clip's end (padding) repeat its last sketch.
 */
export function sketchHints(count: number, readSketch: (frame: number) => Promise<RgbImage>): (frame: number) => Promise<Float32Array> {
  return async (frame) => imageToChw(await readSketch(Math.min(frame, count - 1)), '0..1');
}

/**
 * The lineart generator's line map (1, H, W) to LVCD's sketch convention, as the original detector does it:
 * x 255 truncated to 8 bits (not rounded), then inverted to white paper with dark lines, three channels.
 */
export function lineMapToSketch(line: Float32Array, width: number, height: number): RgbImage {
  if (line.length !== width * height) throw new RangeError(`a (1, ${height}, ${width}) line map holds ${width * height} values, not ${line.length}`);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const ink = Math.min(255, Math.max(0, Math.trunc(line[i]! * 255)));
    data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = 255 - ink;
  }
  return { width, height, data };
}
