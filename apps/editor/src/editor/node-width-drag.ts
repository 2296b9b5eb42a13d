// Dragging a node's right edge to set its width: live while the pointer moves, reported as one edit when it is let go.
import { NODE_UI_WIDTH } from '@lvcd/nodes';
import type { Ref } from 'vue';

export interface WidthDragHooks {
  width(): number;
  set(width: number): void;
  /** The drag ended with a new width: one undo step. */
  done(): void;
}

export function useNodeWidthDrag(root: Ref<HTMLElement | undefined>, hooks: WidthDragHooks) {
  function start(down: PointerEvent): void {
    const el = root.value;
    if (!el) return;
    // Pointer pixels are screen pixels; the node lives in the zoomed canvas. Its drawn width over its own gives the zoom.
    const drawn = el.getBoundingClientRect().width;
    const zoom = drawn > 0 && el.offsetWidth > 0 ? drawn / el.offsetWidth : 1;
    const from = hooks.width();
    let moved = false;
    const move = (e: PointerEvent) => {
      const next = Math.round(Math.min(NODE_UI_WIDTH.max, Math.max(NODE_UI_WIDTH.min, from + (e.clientX - down.clientX) / zoom)));
      if (next !== hooks.width()) {
        moved = true;
        hooks.set(next);
      }
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      if (moved) hooks.done();
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }
  return { start };
}
