import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lvcdRecord, routedFetch, runWithRecord } from '../../test/support/run-records';
import { testStudio, withStudio } from '../../test/support/studio';
import CompareWhy from './CompareWhy.vue';
import { seriesOf, type CompareMetrics } from './metrics';

afterEach(() => vi.unstubAllGlobals());

const pair = (psnr: number[]): CompareMetrics => ({ mode: 'pair', series: [seriesOf('B vs A', psnr.map((p, index) => ({ index, psnr: p, ssim: 1 })))] });

function mountWhy(recordB: ReturnType<typeof lvcdRecord>, metrics: CompareMetrics | null) {
  const a = runWithRecord('11111111-0000-4000-8000-000000000000', 'rec-a', lvcdRecord());
  const b = runWithRecord('22222222-0000-4000-8000-000000000000', 'rec-b', recordB);
  vi.stubGlobal('fetch', routedFetch({ 'GET /api/artifacts/rec-a': lvcdRecord(), 'GET /api/artifacts/rec-b': recordB }));
  return mount(CompareWhy, { props: { a, b, metrics }, global: withStudio(testStudio()) });
}

describe('CompareWhy', () => {
  it('names the changed param and the other seed, and says the outputs differ as explained', async () => {
    const b = lvcdRecord();
    b.nodes['colorize']!.params = { seed: 7, steps: 10 };
    b.seeds = [{ node: 'colorize', param: 'seed', value: 7 }];
    const w = mountWhy(b, pair([31.5, 28.25]));
    await flushPromises();
    expect(w.findAll('[data-testid=why-reason]').map((r) => [r.attributes('data-kind'), r.text()])).toEqual([
      ['seed', 'Another seed: #colorize seed is 1234 in A and 7 in B, so the noise differs.'],
      ['param', 'A param changed: #colorize steps is 25 in A and 10 in B.'],
    ]);
    expect(w.get('[data-testid=why-summary]').attributes('data-same-expected')).toBe('false');
    expect(w.get('[data-testid=why-verdict]').text()).toBe('The outputs differ (lowest PSNR 28.25 dB at frame 1), as the differences above explain.');
  });

  it('says nothing differs and confirms the same output when every frame is at the cap', async () => {
    const w = mountWhy(lvcdRecord(), pair([60, 60]));
    await flushPromises();
    expect(w.findAll('[data-testid=why-reason]')).toHaveLength(0);
    expect(w.get('[data-testid=why-summary]').text()).toMatch(/^Nothing differs/);
    const verdict = w.get('[data-testid=why-verdict]');
    expect(verdict.attributes('data-same')).toBe('true');
    expect(verdict.text()).toBe("The outputs match as expected: all 2 frames at 60 dB PSNR (the measure's cap).");
  });

  it('flags equal records with unequal frames, and another provider as a cause', async () => {
    const same = mountWhy(lvcdRecord(), pair([60, 44]));
    await flushPromises();
    expect(same.get('[data-testid=why-verdict]').classes()).toContain('run-error');
    expect(same.get('[data-testid=why-verdict]').text()).toMatch(/^The outputs differ although nothing in the records does: frame 1 is at 44.00 dB/);

    const b = lvcdRecord();
    b.runtimes['colorize'] = { ...b.runtimes['colorize']!, provider: 'cuda', providers: { denoiser: 'cuda' }, sessionOptions: { executionProviders: ['cuda'] } };
    const other = mountWhy(b, null);
    await flushPromises();
    expect(other.findAll('[data-testid=why-reason]').map((r) => r.text())).toEqual(['Another provider: #colorize ran on cpu in A and cuda in B.']);
    expect(other.find('[data-testid=why-verdict-pending]').exists()).toBe(true);
  });

  it('says why it cannot explain a run without a record', async () => {
    const a = runWithRecord('11111111-0000-4000-8000-000000000000', 'rec-a', lvcdRecord());
    const b = { ...runWithRecord('22222222-0000-4000-8000-000000000000', 'rec-b', lvcdRecord()), artifacts: [] };
    vi.stubGlobal('fetch', routedFetch({ 'GET /api/artifacts/rec-a': lvcdRecord() }));
    const w = mount(CompareWhy, { props: { a, b, metrics: null }, global: withStudio(testStudio()) });
    await flushPromises();
    expect(w.get('[data-testid=why-note]').text()).toBe('Cannot say why: run 22222222 has no run record (run.json).');
  });
});
