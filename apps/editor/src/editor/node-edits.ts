// Node views live in their own Vue apps (Rete mounts one per node); the canvas gives each of them the way to
// report an edit (a param, the bypass flag), so nothing about edits lives at module level.
import { inject, type InjectionKey } from 'vue';

export type NodeEdited = (nodeId: string) => void;

export const NODE_EDITED: InjectionKey<NodeEdited> = Symbol('node-edited');

export function useNodeEdited(): NodeEdited {
  const edited = inject(NODE_EDITED, null);
  if (!edited) throw new Error('a node view outside the canvas that provides NODE_EDITED');
  return edited;
}
