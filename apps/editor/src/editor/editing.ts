// Edits the shell asks for: add a node of a type (alone or at a loose link end), copy and paste fragments.
import type { Link, NodeSpec, ParamValue, WorkflowNode } from '@lvcd/nodes';
import { defaultValue } from '@lvcd/nodes';
import type { NodeEditor } from 'rete';
import { matchingSocket, refuseLink, type LooseEnd } from './connect-rules';
import { nextIdAfter } from './document';
import type { Graph } from './graph';
import type { Schemes } from './scheme';
import type { Point } from './view';

export interface ClipboardFragment {
  format: 'lvcd-studio/clipboard';
  nodes: WorkflowNode[];
  links: Link[];
}

export function createEditing(editor: NodeEditor<Schemes>, graph: Graph, specs: ReadonlyMap<string, NodeSpec>) {
  const freshIds = () => nextIdAfter(editor.getNodes().map((n) => n.id));

  async function addNodeOfType(type: string, at: Point, params: Record<string, ParamValue> = {}): Promise<string> {
    const spec = specs.get(type);
    if (!spec) throw new Error(`unknown node type "${type}"`);
    const initial: Record<string, ParamValue> = {};
    for (const p of spec.params) initial[p.name] = defaultValue(p.schema);
    const node = await graph.addPlainNode({ id: freshIds()(), type, params: { ...initial, ...params }, position: at });
    return node.id;
  }

  /** Adds a node of `type` at `at` and links it to the loose end a dropped link left. */
  async function addNodeForLooseEnd(type: string, end: LooseEnd & { nodeId: string; key: string }, at: Point): Promise<string> {
    const spec = specs.get(type);
    const socket = spec && matchingSocket(spec, end);
    const id = await addNodeOfType(type, at);
    if (socket) {
      const link: Link =
        end.side === 'output'
          ? { from: { node: end.nodeId, output: end.key }, to: { node: id, input: socket } }
          : { from: { node: id, output: socket }, to: { node: end.nodeId, input: end.key } };
      if (!refuseLink(graph.toDocument(), specs, link)) await graph.addLink(link);
    }
    return id;
  }

  function copy(ids: readonly string[]): ClipboardFragment | null {
    if (ids.length === 0) return null;
    const set = new Set(ids);
    const doc = graph.toDocument();
    return {
      format: 'lvcd-studio/clipboard',
      nodes: doc.nodes.filter((n) => set.has(n.id)),
      links: doc.links.filter((l) => set.has(l.from.node) && set.has(l.to.node)),
    };
  }

  /** Adds a copied fragment with fresh ids, its top-left corner at `at`; returns the new ids. */
  async function paste(fragment: ClipboardFragment, at: Point): Promise<string[]> {
    const next = freshIds();
    const ids = new Map(fragment.nodes.map((n) => [n.id, next()]));
    const minX = Math.min(...fragment.nodes.map((n) => n.position.x));
    const minY = Math.min(...fragment.nodes.map((n) => n.position.y));
    for (const n of fragment.nodes) {
      await graph.addPlainNode({ ...n, id: ids.get(n.id) ?? next(), position: { x: n.position.x - minX + at.x, y: n.position.y - minY + at.y } });
    }
    for (const l of fragment.links) {
      const from = ids.get(l.from.node);
      const to = ids.get(l.to.node);
      // A link leaving the fragment has nothing to attach to here (a copy keeps only inner links).
      if (from && to) await graph.addLink({ from: { node: from, output: l.from.output }, to: { node: to, input: l.to.input } });
    }
    return [...ids.values()];
  }

  return { addNodeOfType, addNodeForLooseEnd, copy, paste };
}
