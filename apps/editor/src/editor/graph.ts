// The Rete graph read and written as plain workflow documents: adding nodes and links, removing nodes, and
// making the canvas show a document by changing only what differs.
import type { Link, NodeSpec, WorkflowDocument, WorkflowNode } from '@lvcd/nodes';
import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import { connectionToLink, linkKey, makeDocument, nodeToPlain } from './document';
import { LConnection, LNode, type AreaExtra, type Schemes } from './scheme';
import type { Point } from './view';

export function createGraph(editor: NodeEditor<Schemes>, area: AreaPlugin<Schemes, AreaExtra>, specs: ReadonlyMap<string, NodeSpec>) {
  function positionOf(id: string): Point {
    return area.nodeViews.get(id)?.position ?? { x: 0, y: 0 };
  }

  function toDocument(meta: Record<string, unknown> = {}): WorkflowDocument {
    return makeDocument(
      editor.getNodes().map((n) => nodeToPlain(n, positionOf(n.id))),
      editor.getConnections().map(connectionToLink),
      meta,
    );
  }

  /** Removes a connection unless it is gone already (the connection plugin removes links of its own, unawaited). */
  async function dropConnection(id: string): Promise<void> {
    if (editor.getConnection(id)) await editor.removeConnection(id);
  }

  async function addPlainNode(plain: WorkflowNode): Promise<LNode> {
    const spec = specs.get(plain.type);
    if (!spec) throw new Error(`unknown node type "${plain.type}"`);
    const node = new LNode(plain.id, spec, plain.params, plain.bypass ?? false, plain.title, plain.ui);
    await editor.addNode(node);
    await area.translate(node.id, plain.position);
    return node;
  }

  async function addLink(link: Link): Promise<void> {
    const source = editor.getNode(link.from.node);
    const target = editor.getNode(link.to.node);
    if (!source || !target) return;
    // An input has one source: a new link replaces the old one, as in ComfyUI.
    for (const c of editor.getConnections()) {
      if (c.target === target.id && c.targetInput === link.to.input) await dropConnection(c.id);
    }
    await editor.addConnection(new LConnection(source, link.from.output, target, link.to.input));
  }

  async function removeNode(id: string): Promise<void> {
    for (const c of editor.getConnections()) {
      if (c.source === id || c.target === id) await dropConnection(c.id);
    }
    if (editor.getNode(id)) await editor.removeNode(id);
  }

  function syncState(node: LNode, plain: WorkflowNode): void {
    const params = node.state.params;
    for (const k of Object.keys(params)) if (!Object.hasOwn(plain.params, k)) delete params[k];
    for (const [k, v] of Object.entries(plain.params)) if (params[k] !== v) params[k] = v;
    node.state.bypass = plain.bypass ?? false;
    if (plain.title) node.state.title = plain.title;
    else delete node.state.title;
    if (plain.ui?.width !== undefined) node.state.width = plain.ui.width;
    else delete node.state.width;
    if (plain.ui?.collapsed) node.state.collapsed = true;
    else delete node.state.collapsed;
    if (plain.ui?.afterRun) node.state.afterRun = { ...plain.ui.afterRun };
    else delete node.state.afterRun;
  }

  /** Makes the canvas show `doc`, changing only what differs, so undo and reload keep the node views that did not change. */
  async function load(doc: WorkflowDocument): Promise<void> {
    const wanted = new Map(doc.nodes.map((n) => [n.id, n]));
    const wantedLinks = new Set(doc.links.map(linkKey));
    for (const c of editor.getConnections()) {
      if (!wantedLinks.has(linkKey(connectionToLink(c)))) await dropConnection(c.id);
    }
    for (const node of editor.getNodes()) {
      const w = wanted.get(node.id);
      if (!w || w.type !== node.spec.type) await removeNode(node.id);
    }
    for (const plain of doc.nodes) {
      const node = editor.getNode(plain.id);
      if (!node) {
        await addPlainNode(plain);
        continue;
      }
      syncState(node, plain);
      const p = positionOf(node.id);
      if (p.x !== plain.position.x || p.y !== plain.position.y) await area.translate(node.id, plain.position);
    }
    const have = new Set(editor.getConnections().map((c) => linkKey(connectionToLink(c))));
    for (const link of doc.links) if (!have.has(linkKey(link))) await addLink(link);
  }

  return { toDocument, addPlainNode, addLink, removeNode, load };
}

export type Graph = ReturnType<typeof createGraph>;
