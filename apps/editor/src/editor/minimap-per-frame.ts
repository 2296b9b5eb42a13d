// The minimap, redrawn at most once per frame.
import type { AreaPlugin } from 'rete-area-plugin';
import type { MinimapPlugin } from 'rete-minimap-plugin';
import type { AreaExtra, Schemes } from './scheme';

/** The area events on which the minimap redraws itself (see rete-minimap-plugin's `@listens`). */
const MINIMAP_TRIGGERS = new Set(['nodetranslated', 'nodecreated', 'noderemoved', 'translated', 'resized', 'noderesized', 'zoomed']);

/**
 * `area.use(minimap)`, except that the events which make the minimap redraw reach it at most once per frame. Each
 * redraw measures and re-renders every node, and it came for every node added, placed or rendered: opening a
 * 300-node workflow redrew it about a thousand times, over half the time to open. Returns the pending frame's id.
 */
export function useMinimapPerFrame(area: AreaPlugin<Schemes, AreaExtra>, minimap: MinimapPlugin<Schemes>): () => number {
  let frame = 0;
  let latest: unknown;
  // What `area.use` does first. `use` checks this pairing by the signals each side needs; `setParent` alone wants
  // the area to produce nothing but what the minimap knows, which no area with node views does.
  minimap.setParent(area as unknown as Parameters<typeof minimap.setParent>[0]);
  area.addPipe((ctx) => {
    const redraws = MINIMAP_TRIGGERS.has(ctx.type) || (ctx.type === 'render' && ctx.data.type === 'node');
    if (!redraws) return minimap.signal.emit(ctx);
    // The minimap only passes these on; what it does with them is redraw, which the frame below does once.
    latest = ctx;
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      void minimap.signal.emit(latest);
    });
    return ctx;
  });
  return () => frame;
}
