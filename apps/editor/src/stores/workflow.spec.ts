import { emptyWorkflow, type NodeSpec, type WorkflowDocument } from '@lvcd/nodes';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { SavedWorkflow } from '../api/types';
import { createCatalogue } from './catalogue';
import { createNodeRuntime, type NodeRuntimeStore } from './node-runtime';
import { createWorkflow, type WorkflowCanvas, type WorkflowStore } from './workflow';

const source: NodeSpec = { type: 'test/source', title: 'Source', category: 'test', description: '', version: 1, inputs: [], outputs: [{ name: 'frames', type: 'FRAMES' }], params: [] };
const sink: NodeSpec = { type: 'test/sink', title: 'Sink', category: 'test', description: '', version: 1, inputs: [{ name: 'frames', type: 'FRAMES' }], outputs: [], params: [], isOutput: true };

const node = (id: string, type: string, x = 0) => ({ id, type, params: {}, position: { x, y: 0 } });
const linked = (): Pick<WorkflowDocument, 'nodes' | 'links'> => ({
  nodes: [node('1', source.type), node('2', sink.type, 300)],
  links: [{ from: { node: '1', output: 'frames' }, to: { node: '2', input: 'frames' } }],
});

/** The canvas as the store sees it: a document it shows; `edit` is a user's change on it. */
function documentCanvas() {
  let shown: WorkflowDocument = emptyWorkflow();
  const canvas: WorkflowCanvas & { edit(next: Pick<WorkflowDocument, 'nodes' | 'links'>): void; shown(): WorkflowDocument } = {
    toDocument: (meta = {}) => ({ ...shown, meta }),
    load: async (doc) => void (shown = structuredClone(doc)),
    zoomToFit: async () => undefined,
    edit: (next) => void (shown = { ...shown, ...structuredClone(next) }),
    shown: () => shown,
  };
  return canvas;
}

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

let saved: { name: string; id?: string }[];
let refuseSave: ApiError | null;
const api = {
  createWorkflow: async (name: string, document: WorkflowDocument): Promise<SavedWorkflow> => {
    if (refuseSave) throw refuseSave;
    saved.push({ name });
    return { id: 'w1', name, version: 1, updatedAt: '', document };
  },
  updateWorkflow: async (id: string, name: string, document: WorkflowDocument): Promise<SavedWorkflow> => {
    saved.push({ name, id });
    return { id, name, version: 2, updatedAt: '', document };
  },
};

let session: ReturnType<typeof memoryStorage>;
let local: ReturnType<typeof memoryStorage>;
let toasts: string[];

async function makeStore(): Promise<{ store: WorkflowStore; canvas: ReturnType<typeof documentCanvas>; runtime: NodeRuntimeStore }> {
  const catalogue = createCatalogue({ nodes: async () => [source, sink] });
  await catalogue.load();
  const runtime = createNodeRuntime();
  // What the runs store's leave() does to the node runtime; the run's room itself is the runs store's concern.
  const store = createWorkflow({ api, catalogue, runtime, leaveRun: () => runtime.clearRunState(), notify: (_k, text) => void toasts.push(text), session, local });
  const canvas = documentCanvas();
  store.attach(canvas);
  return { store, canvas, runtime };
}

beforeEach(() => {
  saved = [];
  refuseSave = null;
  session = memoryStorage();
  local = memoryStorage();
  toasts = [];
});

describe('the workflow store', () => {
  it('records each edit for undo, and undo and redo put the canvas back', async () => {
    const { store, canvas } = await makeStore();
    store.resetHistory();
    canvas.edit({ nodes: [node('1', source.type)], links: [] });
    store.changed();
    canvas.edit(linked());
    store.changed(); // in the same burst: one undo step
    expect(store.current().nodes.map((n) => n.id)).toEqual(['1', '2']);
    expect(store.state.dirty).toBe(true);
    await store.undo();
    expect(canvas.shown().nodes).toEqual([]);
    expect(store.canUndo.value).toBe(false);
    await store.redo();
    expect(canvas.shown().links).toHaveLength(1);
  });

  it('validates live and puts each problem on its node', async () => {
    const { store, canvas, runtime } = await makeStore();
    canvas.edit({ nodes: [node('2', sink.type)], links: [] });
    store.changed();
    store.current();
    expect(store.problems.value.map((p) => [p.code, p.node, p.input])).toEqual([['missing-input', '2', 'frames']]);
    expect(runtime.nodeRuntime('2').problems.map((p) => p.code)).toEqual(['missing-input']);
    canvas.edit(linked());
    store.changed();
    store.current();
    expect(store.problems.value).toEqual([]);
    expect(runtime.nodeRuntime('2').problems).toEqual([]);
  });

  it('saves as new, then as a new version of the same workflow', async () => {
    const { store, canvas } = await makeStore();
    store.rename('  Demo  ');
    canvas.edit(linked());
    store.changed();
    expect(await store.save()).toBe(true);
    expect(store.state).toMatchObject({ name: 'Demo', savedId: 'w1', savedVersion: 1, dirty: false });
    expect(await store.save()).toBe(true);
    expect(saved).toEqual([{ name: 'Demo' }, { name: 'Demo', id: 'w1' }]);
    expect(toasts).toEqual(['Saved “Demo” (version 1)', 'Saved “Demo” (version 2)']);
  });

  it('shows what the server refused a save for, until the next edit', async () => {
    const { store, canvas } = await makeStore();
    canvas.edit(linked());
    store.changed();
    refuseSave = new ApiError('workflow is invalid', 400, [{ code: 'unknown-asset', node: '1', message: 'not in the asset store', fix: 'upload it' }]);
    expect(await store.save()).toBe(false);
    expect(store.problems.value.map((p) => p.code)).toEqual(['unknown-asset']);
    expect(toasts).toEqual(['Save failed: workflow is invalid']);
    canvas.edit({ ...linked(), nodes: [node('1', source.type, 10), node('2', sink.type, 300)] });
    store.changed();
    store.current();
    expect(store.problems.value).toEqual([]);
  });

  it('leaves a draft that a new tab opens, name and save state included', async () => {
    const first = await makeStore();
    first.store.rename('Draft');
    first.canvas.edit(linked());
    first.store.changed();
    first.store.current();
    const second = await makeStore();
    expect(await second.store.restoreDraft()).toBe(true);
    expect(second.canvas.shown().nodes.map((n) => n.type)).toEqual([source.type, sink.type]);
    expect(second.store.state).toMatchObject({ name: 'Draft', savedId: null, dirty: true });
    expect(second.store.canUndo.value).toBe(false); // the draft is where the new tab's history starts
  });

  it('never shows a run state on a node new in the document, even one that reuses a deleted id', async () => {
    const { store, canvas, runtime } = await makeStore();
    await store.open({ ...emptyWorkflow(), ...linked() });
    runtime.setRunState('1', { status: 'done', ms: 4 });
    runtime.setRunState('2', { status: 'done', ms: 3 });
    canvas.edit({ nodes: [node('1', source.type)], links: [] });
    store.changed();
    store.current();
    canvas.edit({ nodes: [node('1', source.type), node('2', sink.type, 500)], links: [] });
    store.changed();
    store.current();
    expect(runtime.nodeRuntime('2').status).toBeUndefined();
    expect(runtime.nodeRuntime('2').ms).toBeUndefined();
    expect(runtime.nodeRuntime('1')).toMatchObject({ status: 'done', ms: 4 }); // still the node that ran
  });

  it('drops the run state when another workflow is opened, imported or started new, and when the canvas is cleared', async () => {
    const { store, canvas, runtime } = await makeStore();
    await store.open({ ...emptyWorkflow(), ...linked() });
    runtime.setRunState('1', { status: 'failed', message: 'old error' });
    await store.open({ ...emptyWorkflow(), ...linked(), meta: { name: 'Imported' } });
    expect(runtime.nodeRuntime('1')).toMatchObject({ frames: [] });
    expect(runtime.nodeRuntime('1').status).toBeUndefined();
    expect(runtime.nodeRuntime('1').message).toBeUndefined();
    runtime.setRunState('1', { status: 'done', ms: 3 });
    runtime.putFrame('1', { index: 0, url: '/f0', width: 1, height: 1 });
    canvas.edit({ nodes: [], links: [] });
    store.changed();
    store.current();
    expect(runtime.nodeRuntime('1').status).toBeUndefined();
    expect(runtime.nodeRuntime('1').frames).toEqual([]);
  });

  it('saves a seeded workflow as a new one (Save as), and remembers a seed across a reload', async () => {
    const { store } = await makeStore();
    await store.open({ ...emptyWorkflow(), ...linked() }, { name: 'Demo', savedId: 'demo-id', savedVersion: 1, seed: 'demo' });
    const reloaded = await makeStore();
    expect(await reloaded.store.restoreDraft()).toBe(true);
    expect(reloaded.store.state).toMatchObject({ savedId: 'demo-id', seed: 'demo' });
    expect(await store.saveAs('Mine')).toBe(true);
    expect(saved).toEqual([{ name: 'Mine' }]);
    expect(store.state).toMatchObject({ name: 'Mine', savedId: 'w1', savedVersion: 1, seed: null, dirty: false });
    store.detach();
    expect(store.state).toMatchObject({ savedId: null, savedVersion: null, dirty: true });
  });

  it('refuses a draft with node types the catalogue does not have', async () => {
    const first = await makeStore();
    first.canvas.edit({ nodes: [node('1', 'test/gone')], links: [] });
    first.store.changed();
    first.store.current();
    const second = await makeStore();
    expect(await second.store.restoreDraft()).toBe(false);
    expect(second.canvas.shown().nodes).toEqual([]);
  });
});
