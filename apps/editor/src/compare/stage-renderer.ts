// Draws one moment of the comparison onto the stage canvases: both sides, or one of the overlays, under the
// shared zoom and pan. Plain 2D canvas: drawing bitmaps is cheap; only the ΔE heatmap touches pixels, and that
// is computed in a worker (heatmap.worker.ts), ahead of the playhead, so playback does not drop animation frames.
import type { HeatmapStats } from './delta-e';
import type { ShownFrame } from './frame-source';
import { HeatmapPainter, type Heatmap, type HeatmapReply, type HeatmapRequest } from './heatmap-paint';

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

/** Heatmaps kept: the prefetch window ahead of the playhead plus a few behind it, for stepping back. */
const HEAT_CACHE = 24;
/** Heatmaps computed ahead at once: few, so that after a seek the frame shown does not wait behind a long queue. */
const HEAT_AHEAD = 2;

/** Drawn, with the ΔE statistics in heatmap mode. */
export interface Drawn {
  heat: HeatmapStats | null;
}

export class StageRenderer {
  private readonly heat = new Map<string, Heatmap>();
  /** Keys of heatmaps the worker is computing, by request id. */
  private readonly pending = new Map<number, string>();
  private readonly requested = new Set<string>();
  private worker: Worker | null = null;
  /** Paints on the main thread once the worker has failed (the old way: slow, but the heatmap still shows). */
  private fallback: HeatmapPainter | null = null;
  private nextRequest = 1;

  /**
   * Draws frames `a` and `b` (B is scaled onto A's picture size when the sizes differ). In heatmap mode, returns
   * null and draws nothing while the pair's heatmap is being computed: the last picture stays up.
   */
  draw(ctxA: CanvasRenderingContext2D, ctxB: CanvasRenderingContext2D | null, a: ShownFrame, b: ShownFrame, size: { w: number; h: number }, view: View, o: DrawOptions): Drawn | null {
    const heat = o.mode === 'diff' ? this.heatmap(a, b, size, o.heatScale, true) : undefined;
    if (o.mode === 'diff' && !heat) return null;
    const { canvas } = ctxA;
    const t = transformOf(view, canvas.width, canvas.height, size.w, size.h);
    const picture = (ctx: CanvasRenderingContext2D, image: CanvasImageSource) => {
      ctx.setTransform(t.scale, 0, 0, t.scale, t.tx, t.ty);
      ctx.drawImage(image, 0, 0, size.w, size.h);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
    };
    clear(ctxA);
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
      case 'diff':
        picture(ctxA, heat!.bitmap);
        break;
    }
    return { heat: heat?.stats ?? null };
  }

  /**
   * The heatmap of `a` and `b` if it is ready; otherwise asks the worker for it (`urgent`: the pair to show now;
   * otherwise a prefetch, only while few are on their way) and returns undefined.
   */
  heatmap(a: ShownFrame, b: ShownFrame, size: { w: number; h: number }, scale: number, urgent: boolean): Heatmap | undefined {
    // Keyed by the bitmaps themselves, not frame indexes: a live preview replaced under one index must not match.
    const key = `${bitmapId(a.bitmap)}|${bitmapId(b.bitmap)}|${scale}|${size.w}x${size.h}`;
    const hit = this.heat.get(key);
    if (hit) {
      this.heat.delete(key);
      this.heat.set(key, hit);
      return hit;
    }
    if (this.requested.has(key) || (!urgent && this.pending.size >= HEAT_AHEAD)) return undefined;
    if (this.fallback) {
      this.store(key, this.fallback.paint(a.bitmap, b.bitmap, size.w, size.h, scale));
      return this.heat.get(key);
    }
    const id = this.nextRequest++;
    this.pending.set(id, key);
    this.requested.add(key);
    // The bitmaps are copied into the message, not transferred: the frame sources keep showing them.
    const request: HeatmapRequest = { id, a: a.bitmap, b: b.bitmap, w: size.w, h: size.h, scale };
    this.startWorker().postMessage(request);
    return undefined;
  }

  private startWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./heatmap.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }: MessageEvent<HeatmapReply>) => {
      const key = this.pending.get(data.id);
      this.pending.delete(data.id);
      if (key) this.requested.delete(key);
      if ('error' in data) {
        console.warn(`ΔE heatmap worker: ${data.error}; computing heatmaps on the main thread`);
        this.useFallback();
      } else if (key) this.store(key, data);
    };
    // A worker that cannot start or crashes would stall heatmap playback forever (the player waits for it).
    worker.onerror = (e) => {
      console.warn(`ΔE heatmap worker failed (${e.message}); computing heatmaps on the main thread`);
      this.useFallback();
    };
    return (this.worker = worker);
  }

  private useFallback(): void {
    this.fallback = new HeatmapPainter();
    this.worker?.terminate();
    this.worker = null;
    // What was on its way is asked again, now painted here, by the next draw.
    this.pending.clear();
    this.requested.clear();
  }

  private store(key: string, heat: Heatmap): void {
    this.heat.set(key, heat);
    for (const [old, h] of this.heat) {
      if (this.heat.size <= HEAT_CACHE) break;
      h.bitmap.close();
      this.heat.delete(old);
    }
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.pending.clear();
    this.requested.clear();
    for (const h of this.heat.values()) h.bitmap.close();
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
