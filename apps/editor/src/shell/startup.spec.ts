import { emptyWorkflow, type NodeSpec, type WorkflowDocument } from '@lvcd/nodes';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mountStudioEditor, testStudio, unmountStudioEditor } from '../../test/support/studio';
import type { RunSummary, SavedWorkflowSummary } from '../api/types';
import { createEditor } from '../editor/create-editor';
import { studioPlugin, type Studio } from '../stores/studio';
import type { ShellState } from './shell-state';
import { chooseStart, openAtStart } from './startup';
import { createWorkflowActions } from './workflow-actions';

const image = { name: 'image', type: 'IMAGE' as const };
const specs: NodeSpec[] = [{ type: 't/source', title: 'Source', category: 'test', description: '', version: 1, inputs: [], outputs: [image], params: [], isOutput: true }];
const DEMO = 'dddddddd-0000-4000-8000-000000000001';
const MINE = 'dddddddd-0000-4000-8000-000000000002';
const DEMO_RUN = 'eeeeeeee-0000-4000-8000-000000000001';
const demoDoc: WorkflowDocument = { ...emptyWorkflow(), nodes: [{ id: 'load', type: 't/source', params: {}, position: { x: 0, y: 0 } }], meta: { name: 'Demo: flat colorization' } };

const summary = (id: string, name: string, seed?: 'demo'): SavedWorkflowSummary => ({ id, name, version: 1, updatedAt: new Date(0).toISOString(), ...(seed ? { seed } : {}) });
const run = (id: string, status: RunSummary['status'], workflowId?: string): RunSummary => ({ id, status, createdAt: new Date(0).toISOString(), ...(workflowId ? { workflowId } : {}) });

describe('what the studio opens with', () => {
  const saved = [summary(DEMO, 'Demo', 'demo'), summary(MINE, 'Mine')];

  it('the demo on a first visit, and when the last workflow was deleted since', () => {
    expect(chooseStart(null, saved)).toEqual({ open: 'demo', id: DEMO });
    expect(chooseStart({ savedId: 'gone', dirty: false }, saved)).toEqual({ open: 'demo', id: DEMO });
  });

  it('the last workflow otherwise: a saved one, or unsaved work (even of a deleted one)', () => {
    expect(chooseStart({ savedId: MINE, dirty: false }, saved)).toEqual({ open: 'draft' });
    expect(chooseStart({ savedId: null, dirty: true }, saved)).toEqual({ open: 'draft' });
    expect(chooseStart({ savedId: 'gone', dirty: true }, saved)).toEqual({ open: 'draft' });
  });

  it('what there is when the server is away or has no demo', () => {
    expect(chooseStart({ savedId: MINE, dirty: false }, null)).toEqual({ open: 'draft' });
    expect(chooseStart(null, null)).toEqual({ open: 'empty' });
    expect(chooseStart(null, [summary(MINE, 'Mine')])).toEqual({ open: 'empty' });
  });
});

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
let studio: Studio;
let shell: ShellState;
let runs: RunSummary[];

beforeEach(async () => {
  runs = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      if (url === '/api/nodes') return json(specs);
      if (url === '/api/workflows') return json([summary(MINE, 'Mine'), summary(DEMO, 'Demo: flat colorization', 'demo')]);
      if (url === `/api/workflows/${DEMO}`) return json({ ...summary(DEMO, 'Demo: flat colorization', 'demo'), document: demoDoc });
      if (url.startsWith('/api/runs?')) return json(runs);
      return json({ message: 'not here' }, 404);
    }),
  );
  localStorage.clear();
  sessionStorage.clear();
  studio = testStudio();
  shell = await mountStudioEditor(studio);
});

afterEach(() => {
  unmountStudioEditor(shell);
  vi.unstubAllGlobals();
});

describe('opening at start', () => {
  it('opens the seeded demo on a first visit, showing its live run rather than another workflow’s', async () => {
    runs = [run('eeeeeeee-0000-4000-8000-000000000009', 'running'), run(DEMO_RUN, 'running', DEMO), run('eeeeeeee-0000-4000-8000-000000000002', 'succeeded', DEMO)];
    const actions = createWorkflowActions(studio, shell);
    await openAtStart(studio, actions.openSaved);
    expect(studio.workflow.state).toMatchObject({ name: 'Demo: flat colorization', savedId: DEMO, seed: 'demo', dirty: false });
    expect(studio.workflow.current().nodes.map((n) => n.id)).toEqual(['load']);
    expect(studio.runs.activeRunId.value).toBe(DEMO_RUN);
  });

  it('opens the draft of a later visit, and shows no run that belongs to another workflow', async () => {
    runs = [run(DEMO_RUN, 'running', DEMO)];
    await studio.workflow.open({ ...demoDoc, meta: { name: 'Mine' } }, { name: 'Mine', savedId: MINE, savedVersion: 1 });
    const later = testStudio();
    await later.catalogue.load();
    const container = document.createElement('div');
    document.body.append(container);
    const hooks = { changed: later.workflow.changed, refused: () => undefined, looseDrop: () => undefined, contextMenu: () => undefined, doubleClickCanvas: () => undefined };
    const editor = await createEditor(container, later.catalogue.specMap.value, { ...hooks, setupNodeApp: (app) => void app.use(studioPlugin(later)) });
    later.workflow.attach(editor);
    await openAtStart(later, createWorkflowActions(later, shell).openSaved);
    expect(later.workflow.state).toMatchObject({ name: 'Mine', savedId: MINE });
    expect(later.runs.activeRunId.value).toBeNull();
    editor.destroy();
  });
});
