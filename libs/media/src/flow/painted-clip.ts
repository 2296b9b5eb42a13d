import type { RgbImage } from '../frames/index.js';
import { seededRandom } from '../demo/demo-clip.js';

export interface PaintedClipOptions {
  frames: number;
  width: number;
  height: number;
  seed: number;
}

export interface PaintedFrame {
  truth: RgbImage;
  /** Exact lineart of the frame: background contours and character outlines. */
  sketch: RgbImage;
}

const INK = 28;


interface Character {
  colour: [number, number, number];
  rx: number;
  ry: number;
  from: [number, number];
  to: [number, number];
}

/**
 * A test shot of the kind Flat Colorize fails on: a still, painted background (sky gradient, brushy wall
 * texture, planks whose contours are drawn) with flat-coloured characters moving across it, the later ones
 * passing in front of the earlier ones (occlusion). Frames are made one at a time, so a clip of any length
 * costs one frame of memory; frame 0 is the reference.
 */
export function* paintedClip(o: PaintedClipOptions): Generator<PaintedFrame> {
  const rnd = seededRandom(o.seed);
  const { width: w, height: h } = o;
  const background = new Uint8Array(w * h * 3);
  const lines = new Uint8Array(w * h);
  const horizon = Math.round(h * (0.45 + rnd() * 0.15));
  const plank = Math.round(h * (0.08 + rnd() * 0.05));
  const phase = [rnd() * 6.28, rnd() * 6.28, rnd() * 6.28];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 3;
      let c: [number, number, number];
      if (y < horizon) {
        // Sky: a vertical gradient with soft clouds, no lines (what XDoG leaves open).
        const t = y / horizon;
        const cloud = 12 * Math.sin(x / 37 + phase[0]!) * Math.sin(y / 23 + phase[1]!);
        c = [120 + 60 * t + cloud, 150 + 50 * t + cloud, 200 + 30 * t + cloud];
      } else {
        // Planks: brushy wood texture, contours drawn between planks.
        const row = Math.floor((y - horizon) / plank);
        const grain = 18 * Math.sin(x / 5 + row * 1.7 + phase[2]!) + 10 * Math.sin(x / 17 + y / 3);
        c = [110 + grain + row * 6, 80 + grain * 0.8 + row * 4, 55 + grain * 0.5];
        if ((y - horizon) % plank < 2) lines[y * w + x] = 1;
      }
      if (Math.abs(y - horizon) < 1) lines[y * w + x] = 1;
      for (let ch = 0; ch < 3; ch++) background[p + ch] = Math.max(0, Math.min(255, Math.round(c[ch]!)));
    }
  }
  const palette: [number, number, number][] = [[220, 70, 60], [245, 200, 70], [70, 160, 90], [80, 110, 210], [200, 120, 180]];
  const s = Math.min(w, h);
  const characters: Character[] = Array.from({ length: 3 }, (_, k) => ({
    colour: palette[(k + Math.floor(rnd() * palette.length)) % palette.length]!,
    rx: s * (0.1 + rnd() * 0.08),
    ry: s * (0.16 + rnd() * 0.1),
    from: [w * (0.1 + 0.3 * rnd()), h * (0.35 + 0.3 * rnd())],
    to: [w * (0.6 + 0.3 * rnd()), h * (0.35 + 0.3 * rnd())],
  }));
  // Alternate directions, so characters cross (and hide) each other.
  characters[1]!.from = [characters[1]!.to[0], characters[1]!.from[1]];
  characters[1]!.to = [w * 0.15, characters[1]!.to[1]];
  for (let f = 0; f < o.frames; f++) {
    const t = o.frames === 1 ? 0 : f / (o.frames - 1);
    const truth = background.slice();
    const ink = lines.slice();
    for (const c of characters) {
      const cx = c.from[0] + (c.to[0] - c.from[0]) * t;
      const cy = c.from[1] + (c.to[1] - c.from[1]) * t;
      for (let y = Math.max(0, Math.floor(cy - c.ry - 2)); y < Math.min(h, Math.ceil(cy + c.ry + 2)); y++) {
        for (let x = Math.max(0, Math.floor(cx - c.rx - 2)); x < Math.min(w, Math.ceil(cx + c.rx + 2)); x++) {
          const d = Math.hypot((x - cx) / c.rx, (y - cy) / c.ry);
          if (d > 1) continue;
          const i = y * w + x;
          const edge = (1 - d) * Math.min(c.rx, c.ry) < 2;
          // A face-like inner contour gives the flow something to hold inside the cel.
          const inner = Math.abs(Math.hypot((x - cx) / (c.rx * 0.45), (y - cy + c.ry * 0.3) / (c.ry * 0.3)) - 1) < 0.06;
          ink[i] = edge || inner ? 1 : 0;
          const col = edge || inner ? [INK, INK, INK] : d < 0.5 && y < cy - c.ry * 0.1 ? c.colour.map((v) => Math.min(255, v + 30)) : c.colour;
          truth.set(col, i * 3);
        }
      }
    }
    for (let i = 0; i < w * h; i++) if (ink[i]) truth.set([INK, INK, INK], i * 3);
    const sketch = new Uint8Array(w * h * 3).fill(255);
    for (let i = 0; i < w * h; i++) if (ink[i]) sketch[3 * i] = sketch[3 * i + 1] = sketch[3 * i + 2] = INK;
    yield { truth: { width: w, height: h, data: truth }, sketch: { width: w, height: h, data: sketch } };
  }
}
