import type { ParamSpec } from '@lvcd/nodes';
import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { testStudio, withStudio } from '../../test/support/studio';
import ParamWidget from './ParamWidget.vue';

vi.stubGlobal('fetch', vi.fn(async () => new Response('[]')));

const cases: [ParamSpec, unknown, string][] = [
  [{ name: 'a', schema: { kind: 'number', default: 0.5, min: 0, max: 1 } }, 0.5, 'input[type=range]'],
  [{ name: 'b', schema: { kind: 'integer', default: 2, min: 1, max: 9 } }, 2, 'input[type=range]'],
  [{ name: 'c', schema: { kind: 'seed', default: 1 } }, 1, 'button.w-randomise'],
  [{ name: 'd', schema: { kind: 'enum', default: 'x', options: ['x', 'y'] } }, 'x', 'select'],
  [{ name: 'e', schema: { kind: 'boolean', default: true } }, true, 'input[type=checkbox]'],
  [{ name: 'f', schema: { kind: 'string', default: '', maxLength: 10 } }, '', 'input[type=text]'],
  [{ name: 'g', schema: { kind: 'asset', accept: ['image'] } }, null, '[data-testid=asset-widget]'],
];

describe('ParamWidget', () => {
  it.each(cases)('renders the widget for %o', (spec, value, selector) => {
    const w = mount(ParamWidget, { props: { spec, modelValue: value as never }, global: withStudio(testStudio()) });
    expect(w.find(selector).exists()).toBe(true);
    expect(w.get('.param').attributes('data-kind')).toBe(spec.schema.kind);
  });

  it('passes edits up and marks itself invalid when told', async () => {
    const spec: ParamSpec = { name: 'mode', label: 'Mode', schema: { kind: 'enum', default: 'x', options: ['x', 'y'] } };
    const w = mount(ParamWidget, { props: { spec, modelValue: 'x', invalid: true }, global: withStudio(testStudio()) });
    expect(w.get('.param').classes()).toContain('invalid');
    await w.get('select').setValue('y');
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual(['y']);
  });

  it('marks the param a run failure names, with the whole label and the failure as its tooltip instead of the description', () => {
    const spec: ParamSpec = { name: 'strength', description: 'How strongly', schema: { kind: 'number', default: 0.5, min: 0, max: 1 } };
    const plain = mount(ParamWidget, { props: { spec, modelValue: 0.5 }, global: withStudio(testStudio()) });
    expect(plain.get('.param').classes()).not.toContain('fault');
    expect(plain.get('.param').attributes('title')).toBe('strength — How strongly');
    const faulty = mount(ParamWidget, { props: { spec, modelValue: 0.5, fault: 'strength 0.5 is too weak for this bundle' }, global: withStudio(testStudio()) });
    expect(faulty.get('.param').classes()).toEqual(expect.arrayContaining(['invalid', 'fault']));
    expect(faulty.get('.param').attributes('title')).toBe('strength — strength 0.5 is too weak for this bundle');
  });
});
