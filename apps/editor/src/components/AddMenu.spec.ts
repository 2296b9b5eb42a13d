import type { NodeSpec } from '@lvcd/nodes';
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import AddMenu from './AddMenu.vue';

const spec = (type: string, title: string, inputs: NodeSpec['inputs'], outputs: NodeSpec['outputs']): NodeSpec => ({ type, title, category: type.split('/')[0]!, description: '', version: 1, inputs, outputs, params: [] });
const specs = [
  spec('image/load', 'Load Image', [], [{ name: 'image', type: 'IMAGE' }]),
  spec('image/invert', 'Invert Image', [{ name: 'image', type: 'IMAGE' }], [{ name: 'image', type: 'IMAGE' }]),
  spec('image/save', 'Save Image', [{ name: 'image', type: 'IMAGE' }], []),
  spec('output/preview', 'Preview Frames', [{ name: 'frames', type: 'FRAMES' }], []),
];
const items = (w: ReturnType<typeof mount>) => w.findAll('[data-testid=add-menu-item]').map((li) => li.attributes('data-type'));

describe('AddMenu', () => {
  it('searches by words and picks with the keyboard', async () => {
    const w = mount(AddMenu, { props: { specs, at: { x: 10, y: 10 } } });
    await w.get('input').setValue('image sav');
    expect(items(w)).toEqual(['image/save']);
    await w.get('input').setValue('image');
    expect(items(w)[0]).toBe('image/invert'); // titles are sorted within a score
    await w.get('input').trigger('keydown', { key: 'ArrowDown' });
    await w.get('input').trigger('keydown', { key: 'Enter' });
    expect(w.emitted('choose')?.[0]).toEqual([items(w)[1]]);
    await w.get('input').trigger('keydown', { key: 'Escape' });
    expect(w.emitted('close')).toHaveLength(1);
  });

  it('offers only nodes that fit the loose end of a dropped link', () => {
    const fromOutput = mount(AddMenu, { props: { specs, at: { x: 0, y: 0 }, looseEnd: { side: 'output', type: 'IMAGE' } } });
    expect(items(fromOutput).sort()).toEqual(['image/invert', 'image/save']);
    const fromInput = mount(AddMenu, { props: { specs, at: { x: 0, y: 0 }, looseEnd: { side: 'input', type: 'IMAGE' } } });
    expect(items(fromInput).sort()).toEqual(['image/invert', 'image/load']);
  });

  it('says so when nothing matches', async () => {
    const w = mount(AddMenu, { props: { specs, at: { x: 0, y: 0 } } });
    await w.get('input').setValue('zzz');
    expect(w.text()).toContain('no matching node');
  });
});
