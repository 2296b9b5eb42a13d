// Undo and redo as whole-document snapshots: every kind of edit (links, params, moves, bypass) undoes the same way.
import type { WorkflowDocument } from '@lvcd/nodes';
import { computed, ref } from 'vue';

export function createHistory(limit = 100) {
  const stack = ref<string[]>([]);
  const index = ref(-1);

  /** Records the document as the newest state; drops the redo branch. Returns false when nothing changed. */
  function record(doc: WorkflowDocument): boolean {
    const snap = JSON.stringify({ nodes: doc.nodes, links: doc.links });
    if (stack.value[index.value] === snap) return false;
    const kept = stack.value.slice(0, index.value + 1);
    kept.push(snap);
    stack.value = kept.slice(-limit);
    index.value = stack.value.length - 1;
    return true;
  }

  /** Starts over from `doc` (a loaded workflow is the first state, not something to undo into emptiness). */
  function reset(doc: WorkflowDocument): void {
    stack.value = [];
    index.value = -1;
    record(doc);
  }

  function step(by: -1 | 1): Pick<WorkflowDocument, 'nodes' | 'links'> | null {
    const to = index.value + by;
    if (to < 0 || to >= stack.value.length) return null;
    index.value = to;
    return JSON.parse(stack.value[to]!) as Pick<WorkflowDocument, 'nodes' | 'links'>;
  }

  return {
    record,
    reset,
    undo: () => step(-1),
    redo: () => step(1),
    canUndo: computed(() => index.value > 0),
    canRedo: computed(() => index.value < stack.value.length - 1),
  };
}
