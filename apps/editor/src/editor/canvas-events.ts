// What the canvas hears besides links: changes to report, right-clicks, double-clicks and where the pointer is.
import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import type { AreaExtra, LNode, Schemes } from './scheme';
import type { Point } from './view';

export interface CanvasEventHooks {
  changed(): void;
  contextMenu(target: { node?: string }, at: Point): void;
  doubleClickCanvas(at: Point): void;
}

const STRUCTURE = new Set(['nodecreated', 'noderemoved', 'connectioncreated', 'connectionremoved']);

/** Wires the events; returns the last pointer position (viewport pixels) and the way to unwire. */
export function useCanvasEvents(container: HTMLElement, editor: NodeEditor<Schemes>, area: AreaPlugin<Schemes, AreaExtra>, hooks: CanvasEventHooks) {
  let lastClient: Point = { x: 0, y: 0 };
  const onPointer = (e: PointerEvent) => (lastClient = { x: e.clientX, y: e.clientY });
  window.addEventListener('pointermove', onPointer, true);
  window.addEventListener('pointerup', onPointer, true);

  editor.addPipe((ctx) => {
    if (STRUCTURE.has(ctx.type)) hooks.changed();
    return ctx;
  });

  area.addPipe((ctx) => {
    // ComfyUI habit: double-click opens node search, so the area must not zoom on it.
    if (ctx.type === 'zoom' && ctx.data.source === 'dblclick') return;
    // Auto-arrange writes a fixed width and height on each node it lays out, which froze a node at that size (a
    // filmstrip arriving later spilled out of it). A node sizes itself to its content, so the request is refused.
    if (ctx.type === 'noderesize') return;
    if (ctx.type === 'nodedragged') hooks.changed();
    if (ctx.type === 'contextmenu') {
      ctx.data.event.preventDefault();
      ctx.data.event.stopPropagation();
      const target = ctx.data.context;
      const node = target !== 'root' && typeof target === 'object' && 'id' in target ? (target as LNode).id : undefined;
      hooks.contextMenu(node ? { node } : {}, { x: ctx.data.event.clientX, y: ctx.data.event.clientY });
      return;
    }
    return ctx;
  });

  const onDblClick = (e: MouseEvent) => {
    if ((e.target as HTMLElement).closest('.lnode')) return;
    hooks.doubleClickCanvas({ x: e.clientX, y: e.clientY });
  };
  container.addEventListener('dblclick', onDblClick);

  return {
    pointer: () => lastClient,
    dispose(): void {
      container.removeEventListener('dblclick', onDblClick);
      window.removeEventListener('pointermove', onPointer, true);
      window.removeEventListener('pointerup', onPointer, true);
    },
  };
}
