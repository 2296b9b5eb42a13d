// The canvas's viewport: screen to graph coordinates, zoom to fit, auto-arrange.
import type { NodeEditor } from 'rete';
import { AreaExtensions, type AreaPlugin } from 'rete-area-plugin';
import type { AreaExtra, Schemes } from './scheme';

export interface Point {
  x: number;
  y: number;
}

type Arranger = { layout(props?: { options?: Record<string, string> }): Promise<unknown> };

export function createView(container: HTMLElement, editor: NodeEditor<Schemes>, area: AreaPlugin<Schemes, AreaExtra>) {
  /** Viewport pixels to graph coordinates. */
  function toGraph(client: Point): Point {
    const rect = container.getBoundingClientRect();
    const { x, y, k } = area.area.transform;
    return { x: (client.x - rect.left - x) / k, y: (client.y - rect.top - y) / k };
  }

  async function zoomToFit(ids?: readonly string[]): Promise<void> {
    const nodes = ids ? editor.getNodes().filter((n) => ids.includes(n.id)) : editor.getNodes();
    if (nodes.length) await AreaExtensions.zoomAt(area, nodes, { scale: 0.9 });
  }

  // elkjs is most of the bundle's weight: load it on the first arrange, not before the canvas paints.
  let arrangePlugin: Promise<Arranger> | undefined;
  function arranger(): Promise<Arranger> {
    return (arrangePlugin ??= import('rete-auto-arrange-plugin').then(({ AutoArrangePlugin, Presets }) => {
      const plugin = new AutoArrangePlugin<Schemes>();
      plugin.addPreset(Presets.classic.setup());
      area.use(plugin);
      return plugin;
    }));
  }

  /** Lays the graph out left to right; false when there was nothing to arrange. */
  async function autoArrange(): Promise<boolean> {
    if (editor.getNodes().length === 0) return false;
    const arrange = await arranger();
    await arrange.layout({ options: { 'elk.spacing.nodeNode': '50', 'elk.layered.spacing.nodeNodeBetweenLayers': '80' } });
    await zoomToFit();
    return true;
  }

  return { toGraph, zoomToFit, autoArrange, pointer: (): Point => ({ ...area.area.pointer }) };
}
