import type { NodeSpec, WorkflowDocument } from '@lvcd/nodes';
import { emptyWorkflow } from '@lvcd/nodes';
import { afterEach, describe, expect, it } from 'vitest';
import { testStudio } from '../../test/support/studio';
import { studioPlugin } from '../stores/studio';
import { createEditor, type EditorHandle } from './create-editor';

const spec = (type: string, inputs: string[], outputs: string[]): NodeSpec => ({
  type,
  title: type,
  category: 'test',
  description: '',
  version: 1,
  inputs: inputs.map((name) => ({ name, type: 'IMAGE' as const })),
  outputs: outputs.map((name) => ({ name, type: 'IMAGE' as const })),
  params: [{ name: 'amount', schema: { kind: 'number', default: 1, min: 0, max: 10 } }],
});
const specs = new Map([spec('t/source', [], ['image']), spec('t/filter', ['image'], ['image']), spec('t/sink', ['image'], [])].map((s) => [s.type, s]));

let editor: EditorHandle | null = null;
let changes = 0;

async function canvas(): Promise<EditorHandle> {
  const container = document.createElement('div');
  document.body.append(container);
  const studio = testStudio();
  changes = 0;
  editor = await createEditor(container, specs, {
    changed: () => void changes++,
    refused: () => undefined,
    looseDrop: () => undefined,
    contextMenu: () => undefined,
    doubleClickCanvas: () => undefined,
    setupNodeApp: (app) => void app.use(studioPlugin(studio)),
  });
  return editor;
}

afterEach(() => {
  editor?.destroy();
  editor = null;
  document.body.innerHTML = '';
});

const doc = (nodes: [string, string][], links: [string, string][]): WorkflowDocument => ({
  ...emptyWorkflow(),
  nodes: nodes.map(([id, type], i) => ({ id, type, params: { amount: 1 }, position: { x: i * 300, y: 0 } })),
  links: links.map(([from, to]) => ({ from: { node: from, output: 'image' }, to: { node: to, input: 'image' } })),
});

describe('the canvas', () => {
  it('shows a document and reads the same document back, without reporting it as an edit', async () => {
    const ed = await canvas();
    const d = doc([['1', 't/source'], ['2', 't/filter'], ['3', 't/sink']], [['1', '2'], ['2', '3']]);
    await ed.load(d);
    expect(ed.toDocument(d.meta)).toEqual(d);
    expect(changes).toBe(0);
    expect(document.querySelectorAll('[data-testid=node]')).toHaveLength(3);
  });

  it("keeps a node's title, width and collapsed state through the document, and drops them when a load says so", async () => {
    const ed = await canvas();
    const d = doc([['1', 't/source'], ['2', 't/sink']], [['1', '2']]);
    d.nodes[0] = { ...d.nodes[0]!, title: 'Plate', ui: { width: 420, collapsed: true } };
    await ed.load(d);
    expect(ed.toDocument(d.meta)).toEqual(d);
    expect(document.querySelector<HTMLElement>('[data-node-id="1"]')?.style.width).toBe('420px');
    expect(document.querySelector('[data-node-id="1"] [data-testid=node-title]')?.textContent).toBe('Plate');
    const plain = doc([['1', 't/source'], ['2', 't/sink']], [['1', '2']]);
    await ed.load(plain);
    expect(ed.toDocument(plain.meta)).toEqual(plain);
    await new Promise((r) => setTimeout(r, 0));
    expect(document.querySelector<HTMLElement>('[data-node-id="1"]')?.style.width).toBe('260px');
  });

  it('changes only what differs on a second load', async () => {
    const ed = await canvas();
    await ed.load(doc([['1', 't/source'], ['2', 't/sink']], [['1', '2']]));
    const kept = document.querySelector('[data-node-id="1"]');
    const next = doc([['1', 't/source'], ['3', 't/sink']], [['1', '3']]);
    await ed.load(next);
    expect(ed.toDocument(next.meta)).toEqual(next);
    expect(document.querySelector('[data-node-id="1"]')).toBe(kept);
    expect(document.querySelector('[data-node-id="2"]')).toBeNull();
  });

  it('copies and pastes a fragment with fresh ids and its inner links only', async () => {
    const ed = await canvas();
    await ed.load(doc([['1', 't/source'], ['2', 't/filter'], ['3', 't/sink']], [['1', '2'], ['2', '3']]));
    const fragment = ed.copy(['2', '3']);
    expect(fragment?.links).toEqual([{ from: { node: '2', output: 'image' }, to: { node: '3', input: 'image' } }]);
    const added = await ed.paste(fragment!, { x: 0, y: 500 });
    expect(added).toEqual(['4', '5']);
    expect(ed.selectedIds()).toEqual(['4', '5']);
    const after = ed.toDocument();
    expect(after.links).toContainEqual({ from: { node: '4', output: 'image' }, to: { node: '5', input: 'image' } });
    expect(after.links).toHaveLength(3);
    expect(after.nodes.find((n) => n.id === '4')?.position).toEqual({ x: 0, y: 500 });
    expect(changes).toBeGreaterThan(0);
  });

  it('adds a node with its defaults, bypasses and removes nodes with their links', async () => {
    const ed = await canvas();
    await ed.load(doc([['1', 't/source'], ['2', 't/sink']], [['1', '2']]));
    const id = await ed.addNodeOfType('t/filter', { x: 10, y: 20 });
    expect(ed.toDocument().nodes.find((n) => n.id === id)).toEqual({ id: '3', type: 't/filter', params: { amount: 1 }, position: { x: 10, y: 20 } });
    ed.setBypass(['3'], true);
    expect(ed.isBypassed('3')).toBe(true);
    expect(ed.toDocument().nodes.find((n) => n.id === '3')?.bypass).toBe(true);
    await ed.removeNodes(['1']);
    expect(ed.toDocument().links).toEqual([]);
    expect(ed.nodeCount()).toBe(2);
  });

  it('links a node added at a loose end to it, replacing the link an input had', async () => {
    const ed = await canvas();
    await ed.load(doc([['1', 't/source'], ['2', 't/sink']], [['1', '2']]));
    const id = await ed.addNodeForLooseEnd('t/filter', { side: 'input', type: 'IMAGE', nodeId: '2', key: 'image' }, { x: 0, y: 0 });
    expect(ed.toDocument().links).toEqual([{ from: { node: id, output: 'image' }, to: { node: '2', input: 'image' } }]);
  });
});
