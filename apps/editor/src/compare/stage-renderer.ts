// Draws one moment of the comparison onto the stage canvases: both sides, or one of the overlays, under the
// shared zoom and pan. Plain 2D canvas: drawing bitmaps is cheap; only the ΔE heatmap touches pixels.
import { deltaEHeatmap, type HeatmapStats } from './delta-e';
import type { ShownFrame } from './frame-source';

export const MODES = ['side', 'wipe', 'flicker', 'onion', 'diff'] as const;
export type Mode = (typeof MODES)[number];

export const MODE_LABELS: Record<Mode, string> = { side: 'Side by side', wipe: 'Wipe', flicker: 'A/B flicker', onion: 'Onion skin', diff: 'ΔE heatmap' };

/** Zoom 1 fits the picture in its canvas; (cx, cy) is the picture point (in A's pixels) at the canvas centre. */
export interface View {
  zoom: number;
  cx: number;
  cy: number;
}

export interface DrawOptions {
  mode: Mode;
  /** Wipe position, 0 (all B) to 1 (all A). */
  wipe: number;
  /** Flicker: which side shows. */
  flickerB: boolean;
  /** Onion skin: opacity of B over A. */
  onion: number;
  /** ΔE mapped to the top of the colour scale. */
  heatScale: number;
}

export interface Transform {
  scale: number;
  tx: number;
  ty: number;
}

export function transformOf(view: View, canvasW: number, canvasH: number, imageW: number, imageH: number): Transform {
  const scale = Math.min(canvasW / imageW, canvasH / imageH) * view.zoom;
  return { scale, tx: canvasW / 2 - view.cx * scale, ty: canvasH / 2 - view.cy * scale };
}

const HEAT_CACHE = 8;

export class StageRenderer {
  private readonly heat = new Map<string, { canvas: OffscreenCanvas; stats: HeatmapStats }>();
  private work: OffscreenCanvasRenderingContext2D | null = null;

  /**
   * Draws frames `a` and `b` (B is scaled onto A's picture size when the sizes differ). Returns the ΔE
   * statistics in heatmap mode.
   */
  draw(ctxA: CanvasRenderingContext2D, ctxB: CanvasRenderingContext2D | null, a: ShownFrame, b: ShownFrame, size: { w: number; h: number }, view: View, o: DrawOptions): HeatmapStats | null {
    const { canvas } = ctxA;
    const t = transformOf(view, canvas.width, canvas.height, size.w, size.h);
    const picture = (ctx: CanvasRenderingContext2D, image: CanvasImageSource) => {
      ctx.setTransform(t.scale, 0, 0, t.scale, t.tx, t.ty);
      ctx.drawImage(image, 0, 0, size.w, size.h);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
    };
    clear(ctxA);
    let stats: HeatmapStats | null = null;
    switch (o.mode) {
      case 'side':
        picture(ctxA, a.bitmap);
        if (ctxB) {
          clear(ctxB);
          picture(ctxB, b.bitmap);
        }
        break;
      case 'flicker':
        picture(ctxA, o.flickerB ? b.bitmap : a.bitmap);
        break;
      case 'onion':
        picture(ctxA, a.bitmap);
        ctxA.globalAlpha = o.onion;
        picture(ctxA, b.bitmap);
        ctxA.globalAlpha = 1;
        break;
      case 'wipe': {
        const x = Math.round(canvas.width * o.wipe);
        picture(ctxA, b.bitmap);
        ctxA.save();
        ctxA.beginPath();
        ctxA.rect(0, 0, x, canvas.height);
        ctxA.clip();
        clear(ctxA);
        picture(ctxA, a.bitmap);
        ctxA.restore();
        ctxA.fillStyle = '#fff';
        ctxA.fillRect(x - 1, 0, 2, canvas.height);
        break;
      }
      case 'diff': {
        const heat = this.heatmap(a, b, size, o.heatScale);
        picture(ctxA, heat.canvas);
        stats = heat.stats;
        break;
      }
    }
    return stats;
  }

  private heatmap(a: ShownFrame, b: ShownFrame, size: { w: number; h: number }, scale: number): { canvas: OffscreenCanvas; stats: HeatmapStats } {
    // Keyed by the bitmaps themselves, not frame indexes: a live preview replaced under one index must not match.
    const key = `${bitmapId(a.bitmap)}|${bitmapId(b.bitmap)}|${scale}|${size.w}x${size.h}`;
    const hit = this.heat.get(key);
    if (hit) {
      this.heat.delete(key);
      this.heat.set(key, hit);
      return hit;
    }
    const pixelsA = this.pixels(a.bitmap, size);
    const pixelsB = this.pixels(b.bitmap, size);
    const canvas = new OffscreenCanvas(size.w, size.h);
    const ctx = canvas.getContext('2d')!;
    const out = ctx.createImageData(size.w, size.h);
    const stats = deltaEHeatmap(pixelsA, pixelsB, out.data, scale);
    ctx.putImageData(out, 0, 0);
    this.heat.set(key, { canvas, stats });
    while (this.heat.size > HEAT_CACHE) this.heat.delete(this.heat.keys().next().value!);
    return { canvas, stats };
  }

  private pixels(bitmap: ImageBitmap, size: { w: number; h: number }): Uint8ClampedArray {
    if (!this.work || this.work.canvas.width !== size.w || this.work.canvas.height !== size.h) {
      this.work = new OffscreenCanvas(size.w, size.h).getContext('2d', { willReadFrequently: true })!;
    }
    this.work.clearRect(0, 0, size.w, size.h);
    this.work.drawImage(bitmap, 0, 0, size.w, size.h);
    return this.work.getImageData(0, 0, size.w, size.h).data;
  }

  forget(): void {
    this.heat.clear();
  }
}

const ids = new WeakMap<ImageBitmap, number>();
let nextId = 1;
function bitmapId(b: ImageBitmap): number {
  let id = ids.get(b);
  if (!id) ids.set(b, (id = nextId++));
  return id;
}

function clear(ctx: CanvasRenderingContext2D): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.imageSmoothingEnabled = false; // pixel-exact when zoomed in: this is for peeping at differences
  ctx.fillStyle = '#111';
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
}
