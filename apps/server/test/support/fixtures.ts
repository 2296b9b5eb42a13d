import { createRgbImage, encodePng } from '@lvcd/media';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '@lvcd/nodes';

/** A PNG filled with one grey level; a different `fill` gives different bytes, hence a fresh cache key. */
export async function png(width = 4, height = 3, fill = 128): Promise<Buffer> {
  return encodePng(createRgbImage(width, height, fill));
}

/** Load Image, `inverts` Invert Image nodes in a chain, then Save Image. */
export function chain(assetId: string, inverts = 0, saveName = 'out'): WorkflowDocument {
  const nodes: WorkflowDocument['nodes'] = [{ id: 'load', type: 'image/load', params: { image: assetId }, position: { x: 0, y: 0 } }];
  const links: WorkflowDocument['links'] = [];
  let previous = 'load';
  for (let i = 1; i <= inverts; i++) {
    const id = `inv${i}`;
    nodes.push({ id, type: 'image/invert', params: {}, position: { x: 200 * i, y: 0 } });
    links.push({ from: { node: previous, output: 'image' }, to: { node: id, input: 'image' } });
    previous = id;
  }
  nodes.push({ id: 'save', type: 'image/save', params: { name: saveName }, position: { x: 200 * (inverts + 1), y: 0 } });
  links.push({ from: { node: previous, output: 'image' }, to: { node: 'save', input: 'image' } });
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, nodes, links, meta: { name: 'test' } };
}

/**
 * A run that keeps the single queue slot busy for seconds (200 inversions of a large image) so tests can
 * queue behind it or cancel it mid-run on any machine; tests cancel it, which takes one node's time.
 */
export async function slowChainImage(fill: number): Promise<Buffer> {
  return png(800, 800, fill);
}

export const SLOW_CHAIN_INVERTS = 200;

/** Load Image → Delay (`ms`, no CPU used) → Save Image: a run that holds its worker as long as a test needs. */
export function delayed(assetId: string, ms: number, saveName = 'out'): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    nodes: [
      { id: 'load', type: 'image/load', params: { image: assetId }, position: { x: 0, y: 0 } },
      { id: 'wait', type: 'utility/delay', params: { ms }, position: { x: 200, y: 0 } },
      { id: 'save', type: 'image/save', params: { name: saveName }, position: { x: 400, y: 0 } },
    ],
    links: [
      { from: { node: 'load', output: 'image' }, to: { node: 'wait', input: 'image' } },
      { from: { node: 'wait', output: 'image' }, to: { node: 'save', input: 'image' } },
    ],
    meta: { name: 'test' },
  };
}
