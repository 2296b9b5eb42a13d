// The ΔE heatmap off the main thread: converting ~200k pixels to Lab takes tens of milliseconds per frame pair,
// which on the main thread dropped animation frames while playing in heatmap mode.
import { HeatmapPainter, type HeatmapReply, type HeatmapRequest } from './heatmap-paint';

// The app's TS config types `self` as a Window; these are the two members of a worker's scope used here.
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<HeatmapRequest>) => void) | null;
  postMessage(message: HeatmapReply, transfer: Transferable[]): void;
};
const painter = new HeatmapPainter();

scope.onmessage = ({ data: { id, a, b, w, h, scale } }) => {
  try {
    const heat = painter.paint(a, b, w, h, scale);
    scope.postMessage({ id, ...heat }, [heat.bitmap]);
  } catch (e) {
    scope.postMessage({ id, error: String(e) }, []);
  } finally {
    // Copies made for this message: the main thread keeps its own frames.
    a.close();
    b.close();
  }
};
