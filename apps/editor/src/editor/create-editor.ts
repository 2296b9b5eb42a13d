// The one entry to Rete: builds the canvas from its parts and exposes it as operations on a plain workflow document.
import type { NodeSpec } from '@lvcd/nodes';
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ConnectionPlugin } from 'rete-connection-plugin';
import { MinimapPlugin } from 'rete-minimap-plugin';
import { Presets as VuePresets, VuePlugin } from 'rete-vue-plugin';
import { createApp, type App } from 'vue';
import { useCanvasEvents } from './canvas-events';
import { refuseLink, type LooseEnd } from './connect-rules';
import ConnectionView from './ConnectionView.vue';
import { createEditing } from './editing';
import { createGraph } from './graph';
import { useLinkGestures } from './link-gestures';
import { useMinimapPerFrame } from './minimap-per-frame';
import { NODE_EDITED } from './node-edits';
import NodeView from './NodeView.vue';
import { guardRemovals } from './removal-guard';
import type { AreaExtra, Schemes } from './scheme';
import { createSerial } from './serial';
import { BatchedSocketPosition } from './socket-position';
import SocketView from './SocketView.vue';
import { createView, type Point } from './view';

export type { ClipboardFragment } from './editing';
export type { Point } from './view';

/** What the canvas tells the app. Client coordinates are viewport pixels, for placing menus. */
export interface EditorHooks {
  /** The graph changed (structure, params, bypass or a finished drag). Not called while `load` applies a document. */
  changed(): void;
  refused(reason: string, at: Point): void;
  /** A link was dropped on empty canvas: offer nodes that fit its loose end. */
  looseDrop(end: LooseEnd & { nodeId: string; key: string }, at: Point): void;
  contextMenu(target: { node?: string }, at: Point): void;
  doubleClickCanvas(at: Point): void;
  /** Prepares each Vue app Rete mounts for a node (the app's stores are installed here). */
  setupNodeApp?(app: App): void;
}

export type EditorHandle = Awaited<ReturnType<typeof createEditor>>;

export async function createEditor(container: HTMLElement, specs: ReadonlyMap<string, NodeSpec>, hooks: EditorHooks) {
  const editor = new NodeEditor<Schemes>();
  guardRemovals(editor); // first of the editor's pipes, before any plugin's
  const serial = createSerial();
  const area = new AreaPlugin<Schemes, AreaExtra>(container);
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });
  const graph = createGraph(editor, area, specs);
  const view = createView(container, editor, area);
  const editing = createEditing(editor, graph, specs);

  const selector = AreaExtensions.selector();
  const selectable = AreaExtensions.selectableNodes(area, selector, { accumulating: AreaExtensions.accumulateOnCtrl() });
  AreaExtensions.simpleNodesOrder(area);

  let applying = false; // true while load() mirrors a document: those edits are not user changes
  const changed = () => {
    if (!applying) hooks.changed();
  };
  const onNodeEdited = (id: string) => {
    if (editor.getNode(id)) void area.update('node', id);
    changed();
  };

  const render = new VuePlugin<Schemes, AreaExtra>({
    setup: (context) => {
      const app = createApp(context);
      app.provide(NODE_EDITED, onNodeEdited);
      hooks.setupNodeApp?.(app);
      return app;
    },
  });
  render.addPreset(
    VuePresets.classic.setup({
      socketPositionWatcher: new BatchedSocketPosition<Schemes, AreaExtra>(),
      customize: { node: () => NodeView, socket: () => SocketView, connection: () => ConnectionView },
    }),
  );
  render.addPreset(VuePresets.minimap.setup({ size: 180 }));

  const events = useCanvasEvents(container, editor, area, { changed, contextMenu: hooks.contextMenu, doubleClickCanvas: hooks.doubleClickCanvas });
  useLinkGestures(editor, connection, {
    refuse: (link) => refuseLink(graph.toDocument(), specs, link),
    link: (link) => void serial(() => graph.addLink(link)),
    refused: hooks.refused,
    looseDrop: hooks.looseDrop,
    pointer: events.pointer,
  });

  editor.use(area);
  area.use(connection);
  area.use(render);
  const minimapFrame = useMinimapPerFrame(area, minimap);

  const selectedIds = () => editor.getNodes().filter((n) => n.selected).map((n) => n.id);
  async function select(ids: readonly string[]): Promise<void> {
    await selector.unselectAll();
    for (const id of ids) await selectable.select(id, true);
  }

  /** Makes the canvas show `doc`, changing only what differs. Does not call `hooks.changed`. */
  function load(doc: Parameters<typeof graph.load>[0]): Promise<void> {
    return serial(async () => {
      applying = true;
      try {
        await graph.load(doc);
      } finally {
        applying = false;
      }
    });
  }

  function removeNodes(ids: readonly string[]): Promise<void> {
    return serial(async () => {
      for (const id of ids) await graph.removeNode(id);
    });
  }

  function setBypass(ids: readonly string[], bypass: boolean): void {
    for (const id of ids) {
      const node = editor.getNode(id);
      if (node) node.state.bypass = bypass;
    }
    if (ids.length) changed();
  }

  async function paste(fragment: Parameters<typeof editing.paste>[0], at: Point): Promise<string[]> {
    const added = await serial(() => editing.paste(fragment, at));
    await select(added);
    return added;
  }

  async function autoArrange(): Promise<void> {
    if (await view.autoArrange()) changed();
  }

  async function focusNode(id: string): Promise<void> {
    if (!editor.getNode(id)) return;
    await select([id]);
    await view.zoomToFit([id]);
  }

  function destroy(): void {
    events.dispose();
    cancelAnimationFrame(minimapFrame());
    area.destroy();
  }

  return {
    toDocument: graph.toDocument,
    toGraph: view.toGraph,
    load,
    addNodeOfType: (...args: Parameters<typeof editing.addNodeOfType>) => serial(() => editing.addNodeOfType(...args)),
    addNodeForLooseEnd: (...args: Parameters<typeof editing.addNodeForLooseEnd>) => serial(() => editing.addNodeForLooseEnd(...args)),
    selectedIds,
    select,
    selectAll: () => select(editor.getNodes().map((n) => n.id)),
    removeNodes,
    copy: editing.copy,
    paste,
    setBypass,
    isBypassed: (id: string) => editor.getNode(id)?.state.bypass ?? false,
    zoomToFit: view.zoomToFit,
    autoArrange,
    focusNode,
    pointer: view.pointer,
    nodeCount: () => editor.getNodes().length,
    destroy,
  };
}
