// The one module that knows Rete: builds the canvas and exposes it as operations on a plain workflow document.
import type { Link, NodeSpec, ParamValue, WorkflowDocument, WorkflowNode } from '@lvcd/nodes';
import { defaultValue } from '@lvcd/nodes';
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ClassicFlow, ConnectionPlugin, getSourceTarget, type SocketData } from 'rete-connection-plugin';
import { MinimapPlugin, type MinimapExtra } from 'rete-minimap-plugin';
import { Presets as VuePresets, VuePlugin, type VueArea2D } from 'rete-vue-plugin';
import { onNodeEdited } from './bus';
import { matchingSocket, refuseLink, type LooseEnd } from './connect-rules';
import ConnectionView from './ConnectionView.vue';
import { connectionToLink, linkKey, makeDocument, nextIdAfter, nodeToPlain } from './document';
import NodeView from './NodeView.vue';
import { LConnection, LNode, type Schemes } from './scheme';
import { BatchedSocketPosition } from './socket-position';
import SocketView from './SocketView.vue';

type AreaExtra = VueArea2D<Schemes> | MinimapExtra;

export interface Point {
  x: number;
  y: number;
}

/** What the canvas tells the app. Client coordinates are viewport pixels, for placing menus. */
export interface EditorHooks {
  /** The graph changed (structure, params, bypass or a finished drag). Not called while `load` applies a document. */
  changed(): void;
  refused(reason: string, at: Point): void;
  /** A link was dropped on empty canvas: offer nodes that fit its loose end. */
  looseDrop(end: LooseEnd & { nodeId: string; key: string }, at: Point): void;
  contextMenu(target: { node?: string }, at: Point): void;
  doubleClickCanvas(at: Point): void;
}

export interface ClipboardFragment {
  format: 'lvcd-studio/clipboard';
  nodes: WorkflowNode[];
  links: Link[];
}

export type EditorHandle = Awaited<ReturnType<typeof createEditor>>;

/** The area events on which the minimap redraws itself (see rete-minimap-plugin's `@listens`). */
const MINIMAP_TRIGGERS = new Set(['nodetranslated', 'nodecreated', 'noderemoved', 'translated', 'resized', 'noderesized', 'zoomed']);

/**
 * `area.use(minimap)`, except that the events which make the minimap redraw reach it at most once per frame. Each
 * redraw measures and re-renders every node, and it came for every node added, placed or rendered: opening a
 * 300-node workflow redrew it about a thousand times, over half the time to open. Returns the pending frame's id.
 */
function useMinimapPerFrame(area: AreaPlugin<Schemes, AreaExtra>, minimap: MinimapPlugin<Schemes>): () => number {
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

export async function createEditor(container: HTMLElement, specs: ReadonlyMap<string, NodeSpec>, hooks: EditorHooks) {
  const editor = new NodeEditor<Schemes>();
  const area = new AreaPlugin<Schemes, AreaExtra>(container);
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  const render = new VuePlugin<Schemes, AreaExtra>();
  const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });

  const selector = AreaExtensions.selector();
  const selectable = AreaExtensions.selectableNodes(area, selector, { accumulating: AreaExtensions.accumulateOnCtrl() });
  AreaExtensions.simpleNodesOrder(area);

  render.addPreset(
    VuePresets.classic.setup({
      socketPositionWatcher: new BatchedSocketPosition<Schemes, AreaExtra>(),
      customize: {
        node: () => NodeView,
        socket: () => SocketView,
        connection: () => ConnectionView,
      },
    }),
  );
  render.addPreset(VuePresets.minimap.setup({ size: 180 }));

  let applying = false; // true while load() mirrors a document: those edits are not user changes
  let refusedInGesture = false;
  let lastClient: Point = { x: 0, y: 0 };
  const onPointerMove = (e: PointerEvent) => (lastClient = { x: e.clientX, y: e.clientY });
  window.addEventListener('pointermove', onPointerMove, true);
  window.addEventListener('pointerup', onPointerMove, true);

  const notify = () => {
    if (!applying) hooks.changed();
  };

  connection.addPreset(
    () =>
      new ClassicFlow<Schemes, AreaExtra[]>({
        canMakeConnection(from: SocketData, to: SocketData) {
          const ends = getSourceTarget(from, to);
          const reason = ends
            ? refuseLink(toDocument(), specs, { from: { node: ends[0].nodeId, output: ends[0].key }, to: { node: ends[1].nodeId, input: ends[1].key } })
            : null;
          if (ends && !reason) return true;
          // Released on a socket that does not fit (or output on output): end the drag here. Left alone, the flow
          // would keep the link stuck to the pointer; and this is no drop on empty canvas, so no add menu.
          refusedInGesture = true;
          if (reason) hooks.refused(reason, lastClient);
          queueMicrotask(() => connection.drop());
          return false;
        },
        makeConnection(from: SocketData, to: SocketData) {
          const ends = getSourceTarget(from, to);
          if (!ends) return false;
          const [source, target] = ends;
          void addLink({ from: { node: source.nodeId, output: source.key }, to: { node: target.nodeId, input: target.key } });
          return true;
        },
      }),
  );

  connection.addPipe((ctx) => {
    if (ctx.type === 'connectionpick') refusedInGesture = false;
    if (ctx.type === 'connectiondrop' && !ctx.data.created && !ctx.data.socket && !refusedInGesture) {
      const { initial } = ctx.data;
      const node = editor.getNode(initial.nodeId);
      const port = initial.side === 'output' ? node?.outputs[initial.key] : node?.inputs[initial.key];
      if (node && port) {
        hooks.looseDrop({ side: initial.side, type: port.socket.name as LooseEnd['type'], nodeId: node.id, key: initial.key }, lastClient);
      }
    }
    return ctx;
  });

  editor.addPipe((ctx) => {
    if (['nodecreated', 'noderemoved', 'connectioncreated', 'connectionremoved'].includes(ctx.type)) notify();
    return ctx;
  });

  area.addPipe((ctx) => {
    // ComfyUI habit: double-click opens node search, so the area must not zoom on it.
    if (ctx.type === 'zoom' && ctx.data.source === 'dblclick') return;
    if (ctx.type === 'nodedragged') notify();
    if (ctx.type === 'contextmenu') {
      ctx.data.event.preventDefault();
      ctx.data.event.stopPropagation();
      const target = ctx.data.context;
      hooks.contextMenu(target === 'root' ? {} : 'id' in (target as object) ? { node: (target as LNode).id } : {}, {
        x: ctx.data.event.clientX,
        y: ctx.data.event.clientY,
      });
      return;
    }
    return ctx;
  });

  const onDblClick = (e: MouseEvent) => {
    if ((e.target as HTMLElement).closest('.lnode')) return;
    hooks.doubleClickCanvas({ x: e.clientX, y: e.clientY });
  };
  container.addEventListener('dblclick', onDblClick);

  const offEdited = onNodeEdited((id) => {
    const node = editor.getNode(id);
    if (node) void area.update('node', id);
    notify();
  });

  editor.use(area);
  area.use(connection);
  area.use(render);
  const minimapFrame = useMinimapPerFrame(area, minimap);

  // --- reading ---------------------------------------------------------------------------------------------

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

  /** Viewport pixels to graph coordinates. */
  function toGraph(client: Point): Point {
    const rect = container.getBoundingClientRect();
    const { x, y, k } = area.area.transform;
    return { x: (client.x - rect.left - x) / k, y: (client.y - rect.top - y) / k };
  }

  // --- writing ---------------------------------------------------------------------------------------------

  async function addPlainNode(plain: WorkflowNode): Promise<LNode> {
    const spec = specs.get(plain.type);
    if (!spec) throw new Error(`unknown node type "${plain.type}"`);
    const node = new LNode(plain.id, spec, plain.params, plain.bypass ?? false, plain.title);
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
      if (c.target === target.id && c.targetInput === link.to.input) await editor.removeConnection(c.id);
    }
    await editor.addConnection(new LConnection(source, link.from.output, target, link.to.input));
  }

  async function removeNode(id: string): Promise<void> {
    for (const c of editor.getConnections()) {
      if (c.source === id || c.target === id) await editor.removeConnection(c.id);
    }
    await editor.removeNode(id);
  }

  /**
   * Makes the canvas show `doc`, changing only what differs, so undo and reload keep the view and the node views
   * that did not change. Does not call `hooks.changed`.
   */
  async function load(doc: WorkflowDocument): Promise<void> {
    applying = true;
    try {
      const wanted = new Map(doc.nodes.map((n) => [n.id, n]));
      const wantedLinks = new Set(doc.links.map(linkKey));
      for (const c of editor.getConnections()) {
        if (!wantedLinks.has(linkKey(connectionToLink(c)))) await editor.removeConnection(c.id);
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
    } finally {
      applying = false;
    }
  }

  function syncState(node: LNode, plain: WorkflowNode): void {
    const params = node.state.params;
    for (const k of Object.keys(params)) if (!Object.hasOwn(plain.params, k)) delete params[k];
    for (const [k, v] of Object.entries(plain.params)) if (params[k] !== v) params[k] = v;
    node.state.bypass = plain.bypass ?? false;
    if (plain.title) node.state.title = plain.title;
    else delete node.state.title;
  }

  function freshIds() {
    return nextIdAfter(editor.getNodes().map((n) => n.id));
  }

  async function addNodeOfType(type: string, at: Point, params: Record<string, ParamValue> = {}): Promise<string> {
    const spec = specs.get(type);
    if (!spec) throw new Error(`unknown node type "${type}"`);
    const initial: Record<string, ParamValue> = {};
    for (const p of spec.params) initial[p.name] = defaultValue(p.schema);
    const node = await addPlainNode({ id: freshIds()(), type, params: { ...initial, ...params }, position: at });
    return node.id;
  }

  /** Adds a node of `type` at `at` and links it to the loose end a dropped link left. */
  async function addNodeForLooseEnd(type: string, end: LooseEnd & { nodeId: string; key: string }, at: Point): Promise<string> {
    const spec = specs.get(type);
    const socket = spec && matchingSocket(spec, end);
    const id = await addNodeOfType(type, at);
    if (socket) {
      const link =
        end.side === 'output'
          ? { from: { node: end.nodeId, output: end.key }, to: { node: id, input: socket } }
          : { from: { node: id, output: socket }, to: { node: end.nodeId, input: end.key } };
      if (!refuseLink(toDocument(), specs, link)) await addLink(link);
    }
    return id;
  }

  // --- selection and clipboard -----------------------------------------------------------------------------

  const selectedIds = () => editor.getNodes().filter((n) => n.selected).map((n) => n.id);

  async function select(ids: readonly string[]): Promise<void> {
    await selector.unselectAll();
    for (const id of ids) await selectable.select(id, true);
  }

  async function removeNodes(ids: readonly string[]): Promise<void> {
    for (const id of ids) await removeNode(id);
  }

  function copy(ids: readonly string[]): ClipboardFragment | null {
    if (ids.length === 0) return null;
    const set = new Set(ids);
    const doc = toDocument();
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
      await addPlainNode({ ...n, id: ids.get(n.id)!, position: { x: n.position.x - minX + at.x, y: n.position.y - minY + at.y } });
    }
    for (const l of fragment.links) {
      await addLink({ from: { node: ids.get(l.from.node)!, output: l.from.output }, to: { node: ids.get(l.to.node)!, input: l.to.input } });
    }
    const added = [...ids.values()];
    await select(added);
    return added;
  }

  function setBypass(ids: readonly string[], bypass: boolean): void {
    for (const id of ids) {
      const node = editor.getNode(id);
      if (node) node.state.bypass = bypass;
    }
    if (ids.length) notify();
  }

  // --- view ------------------------------------------------------------------------------------------------

  async function zoomToFit(ids?: readonly string[]): Promise<void> {
    const nodes = ids ? editor.getNodes().filter((n) => ids.includes(n.id)) : editor.getNodes();
    if (nodes.length) await AreaExtensions.zoomAt(area, nodes, { scale: 0.9 });
  }

  // elkjs is most of the bundle's weight: load it on the first arrange, not before the canvas paints.
  let arrangePlugin: Promise<{ layout(props?: { options?: Record<string, string> }): Promise<unknown> }> | undefined;
  function arranger() {
    return (arrangePlugin ??= import('rete-auto-arrange-plugin').then(({ AutoArrangePlugin, Presets }) => {
      const plugin = new AutoArrangePlugin<Schemes>();
      plugin.addPreset(Presets.classic.setup());
      area.use(plugin);
      return plugin;
    }));
  }

  async function autoArrange(): Promise<void> {
    if (editor.getNodes().length === 0) return;
    const arrange = await arranger();
    await arrange.layout({ options: { 'elk.spacing.nodeNode': '50', 'elk.layered.spacing.nodeNodeBetweenLayers': '80' } });
    await zoomToFit();
    notify();
  }

  async function focusNode(id: string): Promise<void> {
    if (!editor.getNode(id)) return;
    await select([id]);
    await zoomToFit([id]);
  }

  function destroy(): void {
    offEdited();
    container.removeEventListener('dblclick', onDblClick);
    window.removeEventListener('pointermove', onPointerMove, true);
    window.removeEventListener('pointerup', onPointerMove, true);
    cancelAnimationFrame(minimapFrame());
    area.destroy();
  }

  return {
    toDocument,
    toGraph,
    load,
    addNodeOfType,
    addNodeForLooseEnd,
    selectedIds,
    select,
    selectAll: () => select(editor.getNodes().map((n) => n.id)),
    removeNodes,
    copy,
    paste,
    setBypass,
    isBypassed: (id: string) => editor.getNode(id)?.state.bypass ?? false,
    zoomToFit,
    autoArrange,
    focusNode,
    pointer: () => ({ ...area.area.pointer }),
    nodeCount: () => editor.getNodes().length,
    destroy,
  };
}
