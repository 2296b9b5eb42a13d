import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import Filmstrip from './Filmstrip.vue';

const frames = (indices: number[]) => indices.map((index) => ({ index, url: `data:,${index}`, width: 4, height: 4 }));

describe('Filmstrip counter', () => {
  // Preview sends 8 frames spread over a 48-frame clip: frame 41 was shown as "41 / 8".
  const sample = frames([0, 7, 13, 20, 27, 34, 40, 47]);

  it("shows the clip frame of the clip's length when the length is known", async () => {
    const w = mount(Filmstrip, { props: { frames: sample, count: 48 } });
    await w.findAll('.filmstrip-thumbs img')[6]!.trigger('click');
    expect(w.get('[data-testid=filmstrip-counter]').text()).toBe('41 / 48');
  });

  it('shows the position among the frames shown when the length is not known (cached or replayed frames)', async () => {
    const w = mount(Filmstrip, { props: { frames: sample } });
    await w.findAll('.filmstrip-thumbs img')[6]!.trigger('click');
    expect(w.get('[data-testid=filmstrip-counter]').text()).toBe('7 / 8');
    expect(w.get('[data-testid=filmstrip-counter]').attributes('title')).toBe('frame 41 of the clip');
  });
});
