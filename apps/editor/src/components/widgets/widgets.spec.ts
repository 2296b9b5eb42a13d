import { MAX_SEED } from '@lvcd/nodes';
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import BooleanWidget from './BooleanWidget.vue';
import EnumWidget from './EnumWidget.vue';
import NumberWidget from './NumberWidget.vue';
import SeedWidget from './SeedWidget.vue';
import TextWidget from './TextWidget.vue';

const last = <T>(w: { emitted: (e: string) => unknown[][] | undefined }, e = 'update:modelValue') => (w.emitted(e)?.at(-1)?.[0] as T) ?? undefined;

describe('NumberWidget', () => {
  const number = { kind: 'number' as const, min: 0, max: 1, step: 0.05 };
  const integer = { kind: 'integer' as const, min: 1, max: 10 };

  it('shows a slider and a field with the schema range and step', () => {
    const w = mount(NumberWidget, { props: { label: 'Strength', schema: number, modelValue: 0.5 } });
    const slider = w.get('input[type=range]');
    expect(slider.attributes()).toMatchObject({ min: '0', max: '1', step: '0.05' });
    expect((slider.element as HTMLInputElement).value).toBe('0.5');
    expect((w.get('input.w-field').element as HTMLInputElement).value).toBe('0.5');
    expect(w.text()).toContain('Strength');
  });

  it('emits slider values as they move', async () => {
    const w = mount(NumberWidget, { props: { label: 'x', schema: number, modelValue: 0.5 } });
    await w.get('input[type=range]').setValue('0.75');
    expect(last(w)).toBe(0.75);
  });

  it('clamps typed values into the range', async () => {
    const w = mount(NumberWidget, { props: { label: 'x', schema: number, modelValue: 0.5 } });
    const field = w.get('input.w-field');
    await field.setValue('7');
    await field.trigger('change');
    expect(last(w)).toBe(1);
    await field.setValue('-3');
    await field.trigger('change');
    expect(last(w)).toBe(0);
  });

  it('says so when a typed value is clamped into the range', async () => {
    const w = mount(NumberWidget, { props: { label: 'x', schema: number, modelValue: 0.5 } });
    const field = w.get('input.w-field');
    await field.setValue('7');
    await field.trigger('change');
    expect(w.get('[data-testid=clamp-notice]').text()).toBe('7 is above the most, 1: set to 1');
    await field.setValue('-3');
    await field.trigger('change');
    expect(w.get('[data-testid=clamp-notice]').text()).toBe('-3 is below the least, 0: set to 0');
    await field.setValue('0.25');
    await field.trigger('change');
    expect(w.find('[data-testid=clamp-notice]').exists()).toBe(false);
  });

  it("bounds a frame number by the clip's length when given one, slider and field", async () => {
    const frames = { kind: 'integer' as const, min: 0, max: 1_000_000 };
    const w = mount(NumberWidget, { props: { label: 'Frame', schema: frames, modelValue: 3, limit: { max: 9, reason: "the clip's last frame" } } });
    expect(w.get('input[type=range]').attributes('max')).toBe('9');
    const field = w.get('input.w-field');
    await field.setValue('40');
    await field.trigger('change');
    expect(last(w)).toBe(9);
    expect(w.get('[data-testid=clamp-notice]').text()).toBe("40 is past the clip's last frame (9): set to 9");
    await w.setProps({ limit: undefined });
    expect(w.get('input[type=range]').attributes('max')).toBe('1000000');
  });

  it('rounds integers and uses a step of 1', async () => {
    const w = mount(NumberWidget, { props: { label: 'n', schema: integer, modelValue: 4 } });
    expect(w.get('input[type=range]').attributes('step')).toBe('1');
    const field = w.get('input.w-field');
    await field.setValue('6.7');
    await field.trigger('change');
    expect(last(w)).toBe(7);
  });

  it('refuses text that is not a number, with a message, and emits nothing', async () => {
    const w = mount(NumberWidget, { props: { label: 'x', schema: number, modelValue: 0.5 } });
    const field = w.get('input.w-field');
    await field.setValue('abc');
    await field.trigger('change');
    expect(w.emitted('update:modelValue')).toBeUndefined();
    expect(w.get('.w-error').text()).toContain('between 0 and 1');
  });

  it('follows the model when it changes from outside (undo)', async () => {
    const w = mount(NumberWidget, { props: { label: 'x', schema: number, modelValue: 0.5 } });
    await w.setProps({ modelValue: 0.25 });
    expect((w.get('input.w-field').element as HTMLInputElement).value).toBe('0.25');
  });
});

describe('SeedWidget', () => {
  it('draws its die as an inline SVG, so it shows without an emoji font', () => {
    const w = mount(SeedWidget, { props: { label: 'Seed', modelValue: 42 } });
    const button = w.get('button.w-randomise');
    expect(button.find('svg[data-testid=seed-die]').exists()).toBe(true);
    expect(button.text()).toBe('');
    expect(button.attributes('aria-label')).toBe('Random seed');
  });

  it('randomises to a whole number in range', async () => {
    const w = mount(SeedWidget, { props: { label: 'Seed', modelValue: 42 } });
    const seen = new Set<number>();
    for (let i = 0; i < 5; i++) {
      await w.get('button.w-randomise').trigger('click');
      const v = last<number>(w)!;
      expect(Number.isSafeInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(MAX_SEED);
      seen.add(v);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('takes a typed seed and refuses a negative or fractional one', async () => {
    const w = mount(SeedWidget, { props: { label: 'Seed', modelValue: 42 } });
    const field = w.get('input');
    await field.setValue('123');
    await field.trigger('change');
    expect(last(w)).toBe(123);
    await w.setProps({ modelValue: 123 });
    const before = w.emitted('update:modelValue')!.length;
    await field.setValue('-1');
    await field.trigger('change');
    await field.setValue('1.5');
    await field.trigger('change');
    expect(w.emitted('update:modelValue')).toHaveLength(before);
    expect(w.find('.w-error').exists()).toBe(true);
  });
});

describe('EnumWidget, BooleanWidget, TextWidget', () => {
  it('enum offers the options and emits the chosen one', async () => {
    const w = mount(EnumWidget, { props: { label: 'Mode', options: ['fast', 'best'], modelValue: 'fast' } });
    expect(w.findAll('option').map((o) => o.text())).toEqual(['fast', 'best']);
    await w.get('select').setValue('best');
    expect(last(w)).toBe('best');
  });

  it('boolean emits true and false', async () => {
    const w = mount(BooleanWidget, { props: { label: 'Loop', modelValue: false } });
    await w.get('input').setValue(true);
    expect(last(w)).toBe(true);
    await w.get('input').setValue(false);
    expect(last(w)).toBe(false);
  });

  it('text limits the length and switches to a text area when multiline', async () => {
    const one = mount(TextWidget, { props: { label: 'Name', maxLength: 80, multiline: false, modelValue: 'a' } });
    expect(one.get('input').attributes('maxlength')).toBe('80');
    await one.get('input').setValue('frames');
    expect(last(one)).toBe('frames');
    const many = mount(TextWidget, { props: { label: 'Notes', maxLength: 500, multiline: true, modelValue: '' } });
    expect(many.find('textarea').exists()).toBe(true);
  });
});
