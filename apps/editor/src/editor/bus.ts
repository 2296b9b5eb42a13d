// Node views live in separate Vue apps (Rete mounts one per node), so they report edits through this module-level bus.
type Listener = (nodeId: string) => void;
const listeners = new Set<Listener>();

export function onNodeEdited(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called by a node view after it changed a param, the bypass flag or its size. */
export function nodeEdited(nodeId: string): void {
  for (const l of listeners) l(nodeId);
}
