// Paints the ΔE heatmap of two frames into a bitmap. Shared by the heatmap worker (where it normally runs) and
// the main thread (only if the worker cannot), so both produce the same pixels and statistics.
import { deltaEHeatmap, type HeatmapStats } from './delta-e';

export interface Heatmap {
  bitmap: ImageBitmap;
  stats: HeatmapStats;
}

/** Main thread to worker: B is scaled onto A's picture size `w` x `h`, as the stage draws it. */
export interface HeatmapRequest {
  id: number;
  a: ImageBitmap;
  b: ImageBitmap;
  w: number;
  h: number;
  scale: number;
}

/** Worker to main thread: the painted heatmap, or why it could not be painted. */
export type HeatmapReply = ({ id: number } & Heatmap) | { id: number; error: string };

export class HeatmapPainter {
  private work: OffscreenCanvasRenderingContext2D | null = null;

  paint(a: ImageBitmap, b: ImageBitmap, w: number, h: number, scale: number): Heatmap {
    const pixelsA = this.pixels(a, w, h);
    const pixelsB = this.pixels(b, w, h);
    const out = new ImageData(w, h);
    const stats = deltaEHeatmap(pixelsA, pixelsB, out.data, scale);
    const canvas = new OffscreenCanvas(w, h);
    canvas.getContext('2d')!.putImageData(out, 0, 0);
    return { bitmap: canvas.transferToImageBitmap(), stats };
  }

  private pixels(bitmap: ImageBitmap, w: number, h: number): Uint8ClampedArray {
    if (!this.work || this.work.canvas.width !== w || this.work.canvas.height !== h) {
      this.work = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true })!;
    }
    this.work.clearRect(0, 0, w, h);
    this.work.drawImage(bitmap, 0, 0, w, h);
    return this.work.getImageData(0, 0, w, h).data;
  }
}
