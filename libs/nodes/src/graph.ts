import type { Link, WorkflowDocument } from './workflow.js';

/** Node ids in an order where every node comes after the nodes it reads from; null when there is a cycle. */
export function topologicalOrder(nodeIds: readonly string[], links: readonly Link[]): string[] | null {
  const order = peel(nodeIds, links);
  return order.length === nodeIds.length ? order : null;
}

/**
 * The nodes a cycle traps: what remains after repeatedly peeling off nodes with no inputs
 * (forwards) and nodes with no outputs (backwards). Linear in nodes + links.
 */
export function nodesOnCycles(nodeIds: readonly string[], links: readonly Link[]): string[] {
  const forward = new Set(peel(nodeIds, links));
  const reversed = links.map((l) => ({ from: { node: l.to.node, output: '' }, to: { node: l.from.node, input: '' } }));
  const backward = new Set(peel(nodeIds, reversed));
  return nodeIds.filter((id) => !forward.has(id) && !backward.has(id));
}

/** Kahn's algorithm without the all-or-nothing result: the nodes it can place. */
function peel(nodeIds: readonly string[], links: readonly Link[]): string[] {
  const indegree = new Map(nodeIds.map((id) => [id, 0]));
  const next = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const l of links) {
    if (!indegree.has(l.from.node) || !indegree.has(l.to.node)) continue;
    indegree.set(l.to.node, indegree.get(l.to.node)! + 1);
    next.get(l.from.node)!.push(l.to.node);
  }
  const ready = nodeIds.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < ready.length; i++) {
    for (const n of next.get(ready[i]!)!) {
      const d = indegree.get(n)! - 1;
      indegree.set(n, d);
      if (d === 0) ready.push(n);
    }
  }
  return ready;
}

/** The targets and every node they depend on, in execution order. */
export function planExecution(doc: WorkflowDocument, targets: readonly string[]): string[] {
  const needed = new Set<string>();
  const stack = [...targets];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    for (const l of doc.links) if (l.to.node === id) stack.push(l.from.node);
  }
  const order = topologicalOrder(
    doc.nodes.map((n) => n.id),
    doc.links,
  );
  if (!order) throw new Error('cannot plan a workflow with a cycle; validate it first');
  return order.filter((id) => needed.has(id));
}
