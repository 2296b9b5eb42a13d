// Converting between the Rete graph and the plain workflow document the rest of the app works with.
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Link, type WorkflowDocument, type WorkflowNode } from '@lvcd/nodes';
import { toRaw } from 'vue';
import type { LConnection, LNode } from './scheme';

export function nodeToPlain(node: LNode, position: { x: number; y: number }): WorkflowNode {
  const plain: WorkflowNode = {
    id: node.id,
    type: node.spec.type,
    params: { ...toRaw(node.state.params) },
    position: { x: Math.round(position.x), y: Math.round(position.y) },
  };
  if (node.state.bypass) plain.bypass = true;
  if (node.state.title) plain.title = node.state.title;
  const { width, collapsed } = node.state;
  const afterRun = node.state.afterRun && Object.keys(node.state.afterRun).length ? { ...toRaw(node.state.afterRun) } : undefined;
  // Written only when set, so a document nobody resized or collapsed reads as it did before ui existed.
  if (width !== undefined || collapsed || afterRun) plain.ui = { ...(width !== undefined ? { width } : {}), ...(collapsed ? { collapsed } : {}), ...(afterRun ? { afterRun } : {}) };
  return plain;
}

export function connectionToLink(c: LConnection): Link {
  return { from: { node: c.source, output: c.sourceOutput }, to: { node: c.target, input: c.targetInput } };
}

export const linkKey = (l: Link) => `${l.from.node}\u0000${l.from.output}\u0000${l.to.node}\u0000${l.to.input}`;

export function makeDocument(nodes: WorkflowNode[], links: Link[], meta: Record<string, unknown>): WorkflowDocument {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, nodes, links, meta };
}

/** Next free numeric id, ComfyUI style: ids stay short and readable in problems ("node 7"). */
export function nextIdAfter(ids: readonly string[]): () => string {
  let max = 0;
  for (const id of ids) {
    const n = Number(id);
    if (Number.isInteger(n) && n > max) max = n;
  }
  const taken = new Set(ids);
  return () => {
    let id: string;
    do id = String(++max);
    while (taken.has(id));
    taken.add(id);
    return id;
  };
}
