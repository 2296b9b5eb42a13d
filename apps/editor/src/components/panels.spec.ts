import type { NodeSpec } from '@lvcd/nodes';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testStudio, withStudio } from '../../test/support/studio';
import type { Studio } from '../stores/studio';
import HistoryPanel from './HistoryPanel.vue';
import Palette from './Palette.vue';
import Toasts from './Toasts.vue';
import WorkflowsPanel from './WorkflowsPanel.vue';

const A = '11111111-2222-4333-8444-555555555555';
const B = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const C = 'cccccccc-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const spec = (type: string, title: string, category: string): NodeSpec => ({ type, title, category, description: `${title} node`, version: 1, inputs: [], outputs: [], params: [] });

/** What the stubbed server answers, by path (a test may change its copy). */
const ANSWERS: Record<string, unknown> = {
  '/api/nodes': [spec('image/load', 'Load Image', 'image'), spec('image/invert', 'Invert Image', 'image'), spec('frames/load', 'Load Frames', 'frames')],
  '/api/runs?limit=50&offset=0': [
    { id: A, status: 'succeeded', createdAt: '2026-01-01T10:00:00Z', workflowName: 'First', durationMs: 1200 },
    { id: B, status: 'failed', createdAt: '2026-01-01T11:00:00Z', workflowName: 'Second', error: { node: '3', message: 'frame 10 is past the end' } },
    { id: C, status: 'succeeded', createdAt: '2026-01-01T12:00:00Z' },
  ],
  '/api/workflows': [{ id: 'w1', name: 'Demo', version: 3, updatedAt: '2026-01-01T10:00:00Z' }],
  '/api/workflows/w1/versions': [
    { version: 3, createdAt: '2026-01-01T10:00:00Z' },
    { version: 2, createdAt: '2026-01-01T09:00:00Z' },
  ],
};

let studio: Studio;
let answers: Record<string, unknown>;

beforeEach(async () => {
  answers = { ...ANSWERS };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => (url in answers ? new Response(JSON.stringify(answers[url])) : new Response('{"message":"no"}', { status: 404 }))),
  );
  studio = testStudio();
  await studio.catalogue.load();
});
afterEach(() => {
  vi.unstubAllGlobals();
  location.hash = '';
});

describe('Palette', () => {
  it('lists the catalogue by category and filters by words, adding on click', async () => {
    const w = mount(Palette, { global: withStudio(studio) });
    expect(w.findAll('h4').map((h) => h.text())).toEqual(['frames', 'image']);
    await w.get('input').setValue('load');
    expect(w.findAll('[data-testid=palette-item]').map((b) => b.attributes('data-type'))).toEqual(['frames/load', 'image/load']);
    await w.get('input').setValue('invert image');
    expect(w.findAll('h4').map((h) => h.text())).toEqual(['image']);
    await w.get('[data-testid=palette-item]').trigger('click');
    expect(w.emitted('add')).toEqual([['image/invert']]);
  });
});

describe('HistoryPanel', () => {
  it('lists runs with their failure, opens one, and compares the two ticked, the first ticked as A', async () => {
    const w = mount(HistoryPanel, { global: withStudio(studio) });
    await flushPromises();
    const items = w.findAll('[data-testid=history-item]');
    expect(items.map((i) => i.attributes('data-status'))).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(items[1]?.text()).toContain('#3: frame 10 is past the end');
    await items[0]?.trigger('click');
    expect(w.emitted('open')).toEqual([[A]]);
    const compare = w.get('[data-testid=compare-runs]');
    expect(compare.attributes('disabled')).toBeDefined();
    const picks = w.findAll('[data-testid=history-pick]');
    await picks[2]?.setValue(true);
    await picks[0]?.setValue(true);
    await picks[1]?.setValue(true); // a third tick drops the oldest
    expect(compare.text()).toBe('Compare (2/2)');
    await compare.trigger('click');
    expect(location.hash).toBe(`#/compare/${A}/${B}`);
  });
});

describe('WorkflowsPanel', () => {
  it('lists saved workflows, opens one or one of its versions', async () => {
    const w = mount(WorkflowsPanel, { global: withStudio(studio) });
    await flushPromises();
    expect(w.get('[data-testid=workflow-item]').text()).toContain('v3');
    await w.get('[data-testid=open-workflow]').trigger('click');
    await w.get('button[title=Versions]').trigger('click');
    await flushPromises();
    const versions = w.findAll('.versions button');
    expect(versions.map((b) => b.text())).toEqual(['version 3', 'version 2']);
    await versions[1]?.trigger('click');
    expect(w.emitted('open')).toEqual([['w1'], ['w1', 2]]);
  });

  it('says how to save when nothing is saved, with the key from the command table', async () => {
    answers['/api/workflows'] = [];
    const w = mount(WorkflowsPanel, { global: withStudio(studio) });
    await flushPromises();
    expect(w.get('.empty').text()).toBe('No saved workflows. Ctrl+S saves the current one.');
  });
});

describe('Toasts', () => {
  it('shows the newest five, and one goes when clicked', async () => {
    const w = mount(Toasts, { global: withStudio(studio) });
    for (let i = 1; i <= 6; i++) studio.notify(i === 6 ? 'error' : 'info', `message ${i}`);
    await w.vm.$nextTick();
    expect(w.findAll('[data-testid=toast]').map((t) => t.text())).toEqual(['message 2', 'message 3', 'message 4', 'message 5', 'message 6']);
    expect(w.findAll('[data-testid=toast]').at(-1)?.attributes('data-kind')).toBe('error');
    await w.findAll('[data-testid=toast]')[0]?.trigger('click');
    expect(w.findAll('[data-testid=toast]')).toHaveLength(4);
  });
});
