import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FrameStoreWriter, readFrames, type FrameStoreInfo, type RgbImage } from '../frames/index.js';
import { encodeVideo } from '../io/video-write.js';
import { ZipFileWriter } from '../io/zip-write.js';

export interface DemoClipOptions {
  frames: number;
  width: number;
  height: number;
  seed: number;
  fps?: number;
  /** Also encode clip.mp4 (needs ffmpeg). */
  video?: boolean;
}

export interface DemoClip {
  /** Ground-truth colour frames. */
  color: FrameStoreInfo;
  /** The matching sketches (white paper, dark outlines). */
  sketches: FrameStoreInfo;
  /** The colour frames as a zip of PNGs named frame_1.png, frame_2.png, ... (what Load Frames takes). */
  zip: string;
  video?: string;
}

interface Shape {
  kind: 'circle' | 'rect' | 'triangle';
  colour: [number, number, number];
  size: number;
  aspect: number;
  from: [number, number];
  to: [number, number];
  spin: number;
  angle0: number;
}

const INK: [number, number, number] = [24, 22, 30];
const OUTLINE = 2.5;
const PALETTE: [number, number, number][] = [
  [230, 80, 70], [250, 200, 60], [80, 170, 90], [70, 120, 220], [170, 90, 200], [240, 150, 60], [90, 200, 210], [230, 120, 170],
];

/** mulberry32: small, fast and deterministic for a seed, so a generated clip is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeShapes(o: DemoClipOptions): Shape[] {
  const rnd = seededRandom(o.seed);
  const kinds: Shape['kind'][] = ['circle', 'rect', 'triangle'];
  const count = 5 + Math.floor(rnd() * 3);
  const s = Math.min(o.width, o.height);
  return Array.from({ length: count }, (_, i) => ({
    kind: kinds[i % 3]!,
    colour: PALETTE[Math.floor(rnd() * PALETTE.length)]!,
    size: s * (0.12 + rnd() * 0.14),
    aspect: 0.6 + rnd() * 0.8,
    from: [o.width * (0.15 + rnd() * 0.7), o.height * (0.2 + rnd() * 0.6)],
    to: [o.width * (0.15 + rnd() * 0.7), o.height * (0.2 + rnd() * 0.6)],
    spin: (rnd() - 0.5) * Math.PI,
    angle0: rnd() * Math.PI,
  }));
}

/** Corners of a rotated rectangle or triangle, for the convex-polygon distance below. */
function polygon(shape: Shape, cx: number, cy: number, angle: number): [number, number][] {
  const local: [number, number][] =
    shape.kind === 'rect'
      ? [[-1, -shape.aspect], [1, -shape.aspect], [1, shape.aspect], [-1, shape.aspect]]
      : [[0, -1.1], [1, 0.8], [-1, 0.8]];
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return local.map(([x, y]) => [cx + shape.size * (x * c - y * s), cy + shape.size * (x * s + y * c)]);
}

/**
 * Paints one shape over `colour` and `sketch`: fill inside, ink within OUTLINE of the edge. Painting in
 * z order makes later shapes occlude earlier ones, outlines included, in both images alike.
 */
function drawShape(shape: Shape, t: number, colour: RgbImage, sketch: RgbImage): void {
  const cx = shape.from[0] + (shape.to[0] - shape.from[0]) * t;
  const cy = shape.from[1] + (shape.to[1] - shape.from[1]) * t;
  const angle = shape.angle0 + shape.spin * t;
  const { width: w, height: h } = colour;
  const reach = shape.size * 1.6;
  const corners = shape.kind === 'circle' ? [] : polygon(shape, cx, cy, angle);
  // Inward edge normals of the convex polygon (corners go clockwise on screen, y down).
  const edges = corners.map(([x0, y0], i) => {
    const [x1, y1] = corners[(i + 1) % corners.length]!;
    const len = Math.hypot(x1 - x0, y1 - y0);
    return { x0, y0, nx: -(y1 - y0) / len, ny: (x1 - x0) / len };
  });
  for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(h, Math.ceil(cy + reach)); y++) {
    for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(w, Math.ceil(cx + reach)); x++) {
      let inside: number; // distance to the edge, positive inside
      if (shape.kind === 'circle') inside = shape.size - Math.hypot(x - cx, y - cy);
      else {
        inside = Infinity;
        for (const e of edges) inside = Math.min(inside, (x - e.x0) * e.nx + (y - e.y0) * e.ny);
      }
      if (inside < 0) continue;
      const ink = inside < OUTLINE;
      const p = (y * w + x) * 3;
      const c = ink ? INK : shape.colour;
      colour.data[p] = c[0];
      colour.data[p + 1] = c[1];
      colour.data[p + 2] = c[2];
      sketch.data[p] = sketch.data[p + 1] = sketch.data[p + 2] = ink ? INK[0] : 255;
    }
  }
}

function backgroundFrame(w: number, h: number): { colour: RgbImage; sketch: RgbImage } {
  const colour = { width: w, height: h, data: new Uint8Array(w * h * 3) };
  const sketch = { width: w, height: h, data: new Uint8Array(w * h * 3).fill(255) };
  const horizon = Math.round(h * 0.7);
  for (let y = 0; y < h; y++) {
    const c = y < horizon ? [190, 220, 245] : [150, 200, 120];
    const line = Math.abs(y - horizon) < 1.5;
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 3;
      colour.data.set(line ? INK : c, p);
      if (line) sketch.data[p] = sketch.data[p + 1] = sketch.data[p + 2] = INK[0];
    }
  }
  return { colour, sketch };
}

/**
 * Writes a short synthetic cartoon clip: flat-coloured shapes with dark outlines that move, rotate and
 * occlude each other over a two-tone background. Gives the studio real work on a fresh machine, and
 * ground truth for the metrics (its sketches are exact, unlike extracted lineart).
 */
export async function generateDemoClip(dir: string, options: DemoClipOptions): Promise<DemoClip> {
  const o = { fps: 12, ...options };
  if (!Number.isInteger(o.frames) || o.frames < 1 || o.width < 16 || o.height < 16) throw new RangeError('a demo clip needs at least 1 frame of 16x16');
  const shapes = makeShapes(o);
  const colourStore = await FrameStoreWriter.create(join(dir, 'color'), o.fps);
  const sketchStore = await FrameStoreWriter.create(join(dir, 'sketches'), o.fps);
  const zipPath = join(dir, 'frames.zip');
  const zip = await ZipFileWriter.create(zipPath);
  for (let f = 0; f < o.frames; f++) {
    const t = o.frames === 1 ? 0 : f / (o.frames - 1);
    const { colour, sketch } = backgroundFrame(o.width, o.height);
    for (const shape of shapes) drawShape(shape, t, colour, sketch);
    await zip.add(`frame_${f + 1}.png`, await colourStore.append(colour));
    await sketchStore.append(sketch);
  }
  await zip.finish();
  const clip: DemoClip = { color: await colourStore.finish(), sketches: await sketchStore.finish(), zip: zipPath };
  if (o.video) {
    const video = join(dir, 'clip.mp4');
    const frames = (async function* () {
      for await (const { image } of readFrames(clip.color)) yield image;
    })();
    await encodeVideo(frames, { file: video, width: o.width, height: o.height, fps: o.fps, format: 'mp4', crf: 12 });
    clip.video = video;
  }
  await writeFile(join(dir, 'demo.json'), JSON.stringify({ ...o, shapes: shapes.length }));
  return clip;
}
