import { emptyWorkflow } from '@lvcd/nodes';
import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandContext } from '../shell/commands';
import { testStudio, withStudio } from '../../test/support/studio';
import ContextMenu from './ContextMenu.vue';
import ProblemsPanel from './ProblemsPanel.vue';
import QueuePanel from './QueuePanel.vue';
import Toolbar from './Toolbar.vue';

beforeEach(() => vi.stubGlobal('fetch', vi.fn(async () => new Response('[]'))));
afterEach(() => vi.unstubAllGlobals());

describe('Toolbar', () => {
  it('titles its buttons from the command table and runs the command on click', async () => {
    const ran: string[] = [];
    const context: Partial<CommandContext> = { save: async () => void ran.push('save'), queue: async () => void ran.push('queue'), zoomToFit: async () => void ran.push('fit') };
    const w = mount(Toolbar, { props: { problemCount: 0 }, global: withStudio(testStudio(), context) });
    expect(w.get('[data-testid=save]').attributes('title')).toBe('Save the workflow (Ctrl+S)');
    expect(w.get('[data-testid=queue]').attributes('title')).toBe('Queue the workflow (Ctrl+Enter)');
    expect(w.get('[data-testid=redo]').attributes('title')).toBe('Redo (Ctrl+Y)');
    await w.get('[data-testid=save]').trigger('click');
    await w.get('[data-testid=queue]').trigger('click');
    await w.get('[data-testid=fit]').trigger('click');
    expect(ran).toEqual(['save', 'queue', 'fit']);
  });

  it('shows the shown run and its cancel button while it runs', async () => {
    const studio = testStudio();
    const w = mount(Toolbar, { props: { problemCount: 2 }, global: withStudio(studio) });
    expect(w.find('[data-testid=run-state]').exists()).toBe(false);
    expect(w.get('[data-testid=problems-toggle]').text()).toBe('2 problems');
    studio.runs.activeStatus.value = 'running';
    await w.vm.$nextTick();
    expect(w.get('[data-testid=run-state]').text()).toBe('running');
    expect(w.find('[data-testid=cancel]').exists()).toBe(true);
    studio.runs.activeStatus.value = 'succeeded';
    await w.vm.$nextTick();
    expect(w.find('[data-testid=cancel]').exists()).toBe(false);
  });
});

describe('ProblemsPanel', () => {
  it('lists validation problems and run failures with the field they name and the node by its title, and focuses a node on click', async () => {
    const studio = testStudio();
    studio.workflow.doc.value = { ...emptyWorkflow(), nodes: [{ id: '3', type: 'test/colorize', params: {}, position: { x: 0, y: 0 }, title: 'Hero shot' }] };
    const w = mount(ProblemsPanel, {
      props: {
        problems: [
          { code: 'missing-input', node: '2', input: 'frames', message: 'nothing is linked', fix: 'link frames' },
          { code: 'run-failed', node: '3', param: 'strength', message: 'too weak', fix: 'fix it and queue the run again' },
        ],
      },
      global: withStudio(studio),
    });
    const rows = w.findAll('[data-testid=problem]');
    expect(rows.map((r) => [r.attributes('data-code'), r.attributes('data-node'), r.attributes('data-field')])).toEqual([
      ['missing-input', '2', 'frames'],
      ['run-failed', '3', 'strength'],
    ]);
    expect(rows[1]?.text()).toContain('strength: too weak');
    expect(rows[0]?.get('b').text()).toBe('#2');
    expect(rows[1]?.get('b').text()).toBe('#3 Hero shot');
    await rows[1]?.trigger('click');
    expect(w.emitted('focus')).toEqual([['3']]);
  });
});

describe('ContextMenu', () => {
  it('shows each item with its key and closes after running one', async () => {
    const ran: string[] = [];
    const items = [
      { id: 'edit.copy', label: 'Copy', key: 'Ctrl+C', action: () => ran.push('copy') },
      { id: 'node.duplicate', label: 'Duplicate', action: () => ran.push('duplicate') },
    ];
    const w = mount(ContextMenu, { props: { at: { x: 5, y: 6 }, items } });
    expect(w.findAll('li').map((li) => [li.find('span').text(), li.find('kbd').exists() ? li.find('kbd').text() : null])).toEqual([
      ['Copy', 'Ctrl+C'],
      ['Duplicate', null],
    ]);
    await w.findAll('li')[1]?.trigger('click');
    expect(ran).toEqual(['duplicate']);
    expect(w.emitted('close')).toHaveLength(1);
  });
});

describe('QueuePanel', () => {
  it('says which key queues, from the command table', () => {
    const w = mount(QueuePanel, { global: withStudio(testStudio()) });
    expect(w.text()).toContain('Press Ctrl+Enter to queue the workflow.');
  });
});
