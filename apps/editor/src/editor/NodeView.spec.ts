import type { NodeSpec } from '@lvcd/nodes';
import { DOMWrapper, flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { Studio } from '../stores/studio';
import { testStudio, withStudio } from '../../test/support/studio';
import { NODE_EDITED } from './node-edits';
import NodeView from './NodeView.vue';
import { LNode } from './scheme';

const spec: NodeSpec = {
  type: 'test/colorize',
  title: 'Colorize',
  category: 'test',
  description: 'Colours frames',
  version: 1,
  inputs: [
    { name: 'frames', type: 'FRAMES' },
    { name: 'reference', type: 'IMAGE' },
  ],
  outputs: [{ name: 'frames', type: 'FRAMES' }],
  params: [
    { name: 'strength', description: 'How strongly', schema: { kind: 'number', default: 0.5, min: 0, max: 1 } },
    { name: 'mode', schema: { kind: 'enum', default: 'a', options: ['a', 'b'] } },
  ],
};

function mountNode(studio: Studio, node = new LNode('7', spec, { strength: 0.5, mode: 'a' })) {
  const edited: string[] = [];
  const global = withStudio(studio);
  const w = mount(NodeView, {
    props: { data: node, emit: () => undefined },
    global: { ...global, provide: { ...global.provide, [NODE_EDITED as symbol]: (id: string) => edited.push(id) } },
  });
  return { w, node, edited };
}

/** Two presses in quick succession, then the release: the field opens when the second press ends. */
async function doublePress(title: Pick<DOMWrapper<Element>, 'trigger'>): Promise<void> {
  await title.trigger('pointerdown', { button: 0 });
  await title.trigger('pointerdown', { button: 0 });
  window.dispatchEvent(new PointerEvent('pointerup'));
  await flushPromises();
}

describe('NodeView', () => {
  it('marks the param a failure names, with the message as its tooltip, and shows the message', async () => {
    const studio = testStudio();
    const { w } = mountNode(studio);
    studio.runtime.setRunState('7', { status: 'failed', message: 'strength 0.5 is too weak', field: 'strength' });
    await w.vm.$nextTick();
    const strength = w.get('[data-param=strength]');
    expect(strength.classes()).toContain('fault');
    expect(strength.attributes('title')).toBe('strength — strength 0.5 is too weak');
    expect(w.get('[data-param=mode]').classes()).not.toContain('fault');
    expect(w.get('[data-testid=node-error]').text()).toBe('strength 0.5 is too weak');
    expect(w.find('[data-input][data-fault]').exists()).toBe(false);
  });

  it('shows what a measuring node found, with how it was measured', async () => {
    const studio = testStudio();
    const { w } = mountNode(studio);
    expect(w.find('[data-testid=node-metrics]').exists()).toBe(false);
    studio.runtime.setRunState('7', { status: 'done', metrics: { psnr: 21.0512, ssim: 0.86912, frames: 74, protocol: 'paper' } });
    await w.vm.$nextTick();
    const metrics = w.get('[data-testid=node-metrics]');
    expect(metrics.text()).toBe('PSNR 21.05 dB · SSIM 0.869 (paper)');
    expect(metrics.attributes('title')).toBe('mean over 74 frames');
    studio.runtime.clearRunState();
    await w.vm.$nextTick();
    expect(w.find('[data-testid=node-metrics]').exists()).toBe(false);
  });

  it('marks the input a failure names', async () => {
    const studio = testStudio();
    const { w } = mountNode(studio);
    studio.runtime.setRunState('7', { status: 'failed', message: 'the reference is 64×64, the frames 128×128', field: 'reference' });
    await w.vm.$nextTick();
    const row = w.get('[data-input=reference]');
    expect(row.classes()).toContain('fault');
    expect(row.attributes('title')).toBe('the reference is 64×64, the frames 128×128');
    expect(w.get('[data-input=frames]').classes()).not.toContain('fault');
    expect(w.find('[data-param][data-fault]').exists()).toBe(false);
  });

  it('says bypassed, once, for a node the run bypassed', async () => {
    const studio = testStudio();
    const { w } = mountNode(studio, new LNode('7', spec, {}, true));
    expect(w.get('.lnode-badge.bypass').text()).toBe('bypassed'); // the flag, before any run
    studio.runtime.setRunState('7', { status: 'bypassed' });
    await w.vm.$nextTick();
    expect(w.get('[data-testid=node-status]').text()).toBe('bypassed');
    expect(w.findAll('.lnode-badge').map((b) => b.text())).toEqual(['bypassed']);
    expect(w.get('[data-testid=node]').attributes('data-status')).toBe('bypassed');
  });

  it('shows the time of a finished node and reports a param edit to the canvas', async () => {
    const studio = testStudio();
    const { w, node, edited } = mountNode(studio);
    studio.runtime.setRunState('7', { status: 'done', ms: 12 });
    await w.vm.$nextTick();
    expect(w.get('[data-testid=node-status]').text()).toBe('done · 12 ms');
    await w.get('[data-param=mode] select').setValue('b');
    expect(node.state.params.mode).toBe('b');
    expect(edited).toEqual(['7']);
  });

  it('reads its state from its own studio: two apps do not share run state', async () => {
    const one = testStudio();
    const two = testStudio();
    const a = mountNode(one).w;
    const b = mountNode(two).w;
    one.runtime.setRunState('7', { status: 'running', value: 2, max: 4 });
    await a.vm.$nextTick();
    expect(a.get('[data-testid=node-progress]').attributes('data-value')).toBe('2');
    expect(b.find('[data-testid=node-status]').exists()).toBe(false);
  });

  it('renames on a double press of its title: Enter keeps the name, Escape does not, an empty name brings the type title back', async () => {
    const studio = testStudio();
    const { w, node, edited } = mountNode(studio);
    await w.get('[data-testid=node-title]').trigger('pointerdown', { button: 0 });
    window.dispatchEvent(new PointerEvent('pointerup'));
    await flushPromises();
    expect(w.find('[data-testid=node-rename]').exists()).toBe(false); // one press selects or drags, no more
    await new Promise((r) => setTimeout(r, 450));
    await doublePress(w.get('[data-testid=node-title]'));
    const input = w.get<HTMLInputElement>('[data-testid=node-rename]');
    expect(input.element.value).toBe('Colorize');
    await input.setValue('  Hero shot  ');
    await input.trigger('keydown', { key: 'Enter' });
    expect(node.state.title).toBe('Hero shot');
    expect(w.get('[data-testid=node-title]').text()).toBe('Hero shot');
    expect(edited).toEqual(['7']);

    await doublePress(w.get('[data-testid=node-title]'));
    await w.get('[data-testid=node-rename]').setValue('Discarded');
    await w.get('[data-testid=node-rename]').trigger('keydown', { key: 'Escape' });
    expect(node.state.title).toBe('Hero shot');

    await doublePress(w.get('[data-testid=node-title]'));
    await w.get('[data-testid=node-rename]').setValue('');
    await w.get('[data-testid=node-rename]').trigger('blur');
    expect(node.state.title).toBeUndefined();
    expect(w.get('[data-testid=node-title]').text()).toBe('Colorize');
    expect(edited).toEqual(['7', '7']);
  });

  it('collapses to its title and sockets, hiding params and previews, and opens again', async () => {
    const studio = testStudio();
    const { w, node, edited } = mountNode(studio);
    studio.runtime.setRunState('7', { status: 'done', metrics: { psnr: 20, ssim: 0.8, frames: 2 } });
    await w.vm.$nextTick();
    await w.get('[data-testid=node-collapse]').trigger('click');
    expect(node.state.collapsed).toBe(true);
    expect(w.get('[data-testid=node]').attributes('data-collapsed')).toBe('true');
    expect(w.find('[data-param=strength]').exists()).toBe(false);
    expect(w.find('[data-testid=node-metrics]').exists()).toBe(false);
    expect(w.findAll('[data-input]')).toHaveLength(2);
    await w.get('[data-testid=node-collapse]').trigger('click');
    expect(node.state.collapsed).toBeUndefined();
    expect(w.find('[data-param=strength]').exists()).toBe(true);
    expect(edited).toEqual(['7', '7']);
  });

  it('takes the width its edge is dragged to, within bounds, as one edit when let go', async () => {
    const studio = testStudio();
    const { w, node, edited } = mountNode(studio, new LNode('7', spec, {}, false, undefined, { width: 300 }));
    expect(w.get('[data-testid=node]').attributes('style')).toContain('width: 300px');
    await w.get('[data-testid=node-resize]').trigger('pointerdown', { clientX: 500 });
    window.dispatchEvent(new PointerEvent('pointermove', { clientX: 560 }));
    window.dispatchEvent(new PointerEvent('pointermove', { clientX: 620 }));
    await w.vm.$nextTick();
    expect(node.state.width).toBe(420);
    expect(w.get('[data-testid=node]').attributes('style')).toContain('width: 420px');
    expect(edited).toEqual([]);
    window.dispatchEvent(new PointerEvent('pointerup', { clientX: 620 }));
    expect(edited).toEqual(['7']);
    await w.get('[data-testid=node-resize]').trigger('pointerdown', { clientX: 0 });
    window.dispatchEvent(new PointerEvent('pointermove', { clientX: -5000 }));
    window.dispatchEvent(new PointerEvent('pointerup', { clientX: -5000 }));
    expect(node.state.width).toBe(180);
  });
});
