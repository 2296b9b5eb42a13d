import { emptyWorkflow, type NodeSpec, type WorkflowDocument } from '@lvcd/nodes';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mountStudioEditor, testStudio, unmountStudioEditor } from '../../test/support/studio';
import type { Studio } from '../stores/studio';
import type { ShellState } from './shell-state';
import { createWorkflowActions } from './workflow-actions';
import { createWorkflowFiles, type Ask } from './workflow-files';

const image = { name: 'image', type: 'IMAGE' as const };
const specs: NodeSpec[] = [{ type: 't/source', title: 'Source', category: 'test', description: '', version: 1, inputs: [], outputs: [image], params: [], isOutput: true }];
const doc: WorkflowDocument = { ...emptyWorkflow(), nodes: [{ id: '1', type: 't/source', params: {}, position: { x: 0, y: 0 } }], meta: { name: 'Demo' } };
const DEMO = 'dddddddd-0000-4000-8000-000000000001';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
let studio: Studio;
let shell: ShellState;
/** The workflow requests the studio made, as `METHOD path name`. */
let requests: string[];
let answers: { name: string | null; confirm: boolean };
const asked: string[] = [];
const ask: Ask = {
  name: (q, suggestion) => (asked.push(`${q} [${suggestion}]`), answers.name),
  confirm: (q) => (asked.push(q), answers.confirm),
};
const toasts = () => studio.toasts.toasts.value.map((t) => t.text);

beforeEach(async () => {
  requests = [];
  asked.length = 0;
  answers = { name: 'Mine', confirm: true };
  let created = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/nodes') return json(specs);
      if (!url.startsWith('/api/workflows')) return json([]);
      const body = init?.body ? (JSON.parse(String(init.body)) as { name: string; document: WorkflowDocument }) : undefined;
      requests.push(`${init?.method ?? 'GET'} ${url}${body ? ` ${body.name}` : ''}`);
      if (init?.method === 'POST') return json({ id: `new-${++created}`, name: body!.name, version: 1, updatedAt: '', document: body!.document });
      if (init?.method === 'DELETE') return new Response(null, { status: 204 });
      if (url === `/api/workflows/${DEMO}`) return json({ id: DEMO, name: 'Demo', version: 2, updatedAt: '', seed: 'demo', document: doc });
      if (url === `/api/workflows/${DEMO}/versions/1`) return json({ id: DEMO, name: 'Demo', version: 1, createdAt: '', document: doc });
      return json([]);
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

describe('workflow file commands', () => {
  it('saving a seeded workflow asks for a new name and saves a copy, never over the seeded one', async () => {
    const files = createWorkflowFiles(studio, () => undefined, ask);
    await studio.workflow.open(doc, { name: 'Demo', savedId: DEMO, savedVersion: 1, seed: 'demo' });
    await files.save();
    expect(asked).toEqual(['“Demo” is kept as the studio seeded it. Save your changes as a new workflow named: [Demo (copy)]']);
    expect(requests).toEqual(['POST /api/workflows Mine']);
    expect(studio.workflow.state).toMatchObject({ name: 'Mine', savedId: 'new-1', seed: null, dirty: false });
    await files.save(); // now the user's own: a new version of it
    expect(requests.at(-1)).toBe('PUT /api/workflows/new-1 Mine');
  });

  it('knows an older version of a seeded workflow is seeded too, and forks it on save', async () => {
    const files = createWorkflowFiles(studio, () => undefined, ask);
    await createWorkflowActions(studio, shell).openSaved(DEMO, 1);
    expect(studio.workflow.state).toMatchObject({ savedId: DEMO, savedVersion: 1, seed: 'demo' });
    await files.save();
    expect(requests.filter((r) => !r.startsWith('GET'))).toEqual(['POST /api/workflows Mine']);
  });

  it('Save as with no name given saves nothing', async () => {
    const files = createWorkflowFiles(studio, () => undefined, ask);
    await studio.workflow.open(doc, { name: 'Demo', savedId: DEMO, savedVersion: 1, seed: 'demo' });
    answers.name = '  ';
    await files.saveAs();
    expect(requests).toEqual([]);
    expect(studio.workflow.state.savedId).toBe(DEMO);
  });

  it('Duplicate saves a copy and shows it; Delete removes a saved one after asking and keeps the canvas unsaved', async () => {
    let refreshed = 0;
    const files = createWorkflowFiles(studio, () => void refreshed++, ask);
    await studio.workflow.open(doc, { name: 'Demo', savedId: DEMO, savedVersion: 1, seed: 'demo' });
    await files.remove();
    expect(toasts().at(-1)).toContain('seeded by the studio and stays');
    await files.duplicate();
    expect(studio.workflow.state).toMatchObject({ name: 'Demo (copy)', savedId: 'new-1', seed: null });
    answers.confirm = false;
    await files.remove();
    expect(requests).toEqual(['POST /api/workflows Demo (copy)']);
    answers.confirm = true;
    await files.remove();
    expect(requests.at(-1)).toBe('DELETE /api/workflows/new-1');
    expect(studio.workflow.state).toMatchObject({ savedId: null, dirty: true });
    expect(studio.workflow.current().nodes).toHaveLength(1);
    expect(refreshed).toBe(2);
  });

  it('New shows an empty unsaved workflow with no run state, and undo brings the previous one back', async () => {
    const files = createWorkflowFiles(studio, () => undefined, ask);
    await studio.workflow.open(doc, { name: 'Demo', savedId: DEMO, savedVersion: 1, seed: 'demo' });
    studio.runtime.setRunState('1', { status: 'done', ms: 3 });
    await files.newWorkflow();
    expect(studio.workflow.state).toMatchObject({ name: 'Untitled', savedId: null, seed: null, dirty: true });
    expect(studio.workflow.current().nodes).toEqual([]);
    expect(studio.runtime.nodeRuntime('1').status).toBeUndefined();
    await studio.workflow.undo();
    expect(studio.workflow.current().nodes).toHaveLength(1);
  });
});
