import { emptyWorkflow, type NodeSpec, type WorkflowDocument } from '@lvcd/nodes';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mountStudioEditor, testStudio, unmountStudioEditor } from '../../test/support/studio';
import type { Studio } from '../stores/studio';
import { createClipboardActions } from './clipboard-actions';
import type { ShellState } from './shell-state';
import { createWorkflowActions } from './workflow-actions';

const image = { name: 'image', type: 'IMAGE' as const };
const specs: NodeSpec[] = [
  { type: 't/source', title: 'Source', category: 'test', description: '', version: 1, inputs: [], outputs: [image], params: [] },
  { type: 't/sink', title: 'Sink', category: 'test', description: '', version: 1, inputs: [image], outputs: [], params: [], isOutput: true },
];
const pair: WorkflowDocument = {
  ...emptyWorkflow(),
  nodes: [
    { id: '1', type: 't/source', params: {}, position: { x: 0, y: 0 } },
    { id: '2', type: 't/sink', params: {}, position: { x: 300, y: 0 } },
  ],
  links: [{ from: { node: '1', output: 'image' }, to: { node: '2', input: 'image' } }],
  meta: { name: 'Pair' },
};

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
let studio: Studio;
let shell: ShellState;
/** The texts of the toasts showing now. */
const toasts = () => studio.toasts.toasts.value.map((t) => t.text);

beforeEach(async () => {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/nodes') return json(specs);
      if (url === '/api/runs' && init?.method === 'POST') return json({ message: 'workflow is invalid', problems: [{ code: 'unknown-asset', node: '1', message: 'not in the asset store', fix: 'upload it' }] }, 400);
      return json([]);
    }),
  );
  localStorage.clear();
  studio = testStudio();
  shell = await mountStudioEditor(studio);
});

afterEach(() => {
  unmountStudioEditor(shell);
  vi.unstubAllGlobals();
});

describe('shell actions', () => {
  it("shows the server's refusal of a queue in the problems panel and says so", async () => {
    const actions = createWorkflowActions(studio, shell);
    await studio.workflow.open(pair);
    shell.showProblems.value = false;
    await actions.queue();
    expect(studio.workflow.problems.value.map((p) => [p.code, p.node])).toEqual([['unknown-asset', '1']]);
    expect(shell.showProblems.value).toBe(true);
    expect(toasts().at(-1)).toBe('Not queued: 1 problem (see the problems panel)');
  });

  it('opens a dropped workflow file under its name, and refuses one with unknown nodes without touching the canvas', async () => {
    const actions = createWorkflowActions(studio, shell);
    await actions.takeFile(new File([JSON.stringify(pair)], 'pair.json', { type: 'application/json' }), null);
    expect(studio.workflow.state.name).toBe('Pair');
    expect(studio.workflow.current().nodes.map((n) => n.type)).toEqual(['t/source', 't/sink']);
    const hostile = { ...pair, nodes: [{ id: '9', type: 'evil/node', params: {}, position: { x: 0, y: 0 } }], links: [] };
    await actions.takeFile(new File([JSON.stringify(hostile)], 'evil.json'), null);
    expect(toasts().at(-1)).toContain('cannot open "evil.json"');
    expect(studio.workflow.current().nodes).toHaveLength(2);
  });

  it('copies nodes to the local clipboard, pastes them from the menu, and duplicates beside the original', async () => {
    const clipboard = createClipboardActions(studio, shell, async () => undefined, () => true);
    await studio.workflow.open(pair);
    clipboard.copy(['1', '2']);
    expect(JSON.parse(localStorage.getItem('lvcd-studio:clipboard') ?? '{}')).toMatchObject({ format: 'lvcd-studio/clipboard', links: [pair.links[0]] });
    await clipboard.paste('menu');
    await clipboard.duplicate(['1']);
    const doc = shell.editor.value!.toDocument();
    expect(doc.nodes.map((n) => n.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(doc.links).toContainEqual({ from: { node: '3', output: 'image' }, to: { node: '4', input: 'image' } });
    expect(doc.nodes.find((n) => n.id === '5')?.position).toEqual({ x: 40, y: 40 });
  });
});
