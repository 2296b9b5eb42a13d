import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { currentState, lvcdRecord, routedFetch, runWithRecord } from '../../test/support/run-records';
import { testStudio, withStudio } from '../../test/support/studio';
import RunRecordPanel from './RunRecordPanel.vue';

afterEach(() => vi.unstubAllGlobals());

const RUN = '11111111-0000-4000-8000-000000000000';

describe('RunRecordPanel', () => {
  it('shows the recorded seed, input, models and runtime, and queues the recorded document with its default seed pinned', async () => {
    const calls: { method: string; path: string; body?: unknown }[] = [];
    vi.stubGlobal('fetch', routedFetch({ 'GET /api/artifacts/rec': lvcdRecord(), 'GET /api/reproducibility': currentState(), 'POST /api/runs': { id: 'new-run', status: 'queued' } }, calls));
    const w = mount(RunRecordPanel, { props: { run: runWithRecord(RUN, 'rec', lvcdRecord()) }, global: withStudio(testStudio()) });
    await flushPromises();
    expect(w.find('[data-testid=rerun-warnings]').exists()).toBe(false);
    expect(w.get('[data-testid=record-seed]').text()).toBe('seed #colorize1234');
    expect(w.get('[data-testid=record-input]').text()).toContain('clip.zip');
    expect(w.get('[data-testid=record-bundle]').text()).toContain('lvcd · fp32 · cccccccccccc');
    expect(w.get('[data-testid=record-runtime]').text()).toContain('ONNX Runtime 1.29.0 · cpu');

    await w.get('[data-testid=rerun-exact]').trigger('click');
    await flushPromises();
    const queued = calls.find((c) => c.method === 'POST')!;
    expect(queued.path).toBe('/api/runs');
    // The document left the seed to its default; the rerun names the seed the run used.
    const colorize = (queued.body as { document: { nodes: { id: string; params: Record<string, unknown> }[] } }).document.nodes.find((n) => n.id === 'colorize')!;
    expect(colorize.params).toEqual({ steps: 25, seed: 1234 });
  });

  it('requeues the stored snapshot when it already names every seed and input', async () => {
    const record = lvcdRecord();
    record.document.nodes.find((n) => n.id === 'colorize')!.params['seed'] = 1234;
    const calls: { method: string; path: string }[] = [];
    vi.stubGlobal('fetch', routedFetch({ 'GET /api/artifacts/rec': record, 'GET /api/reproducibility': currentState(), [`POST /api/runs/${RUN}/requeue`]: { id: 'new-run', status: 'queued' } }, calls));
    const w = mount(RunRecordPanel, { props: { run: runWithRecord(RUN, 'rec', record) }, global: withStudio(testStudio()) });
    await flushPromises();
    await w.get('[data-testid=rerun-exact]').trigger('click');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([`/api/runs/${RUN}/requeue`]);
  });

  it('warns when the model files and ONNX Runtime changed since the run', async () => {
    const now = currentState();
    now.bundles['lvcd'] = { contentHash: 'd'.repeat(64), converter: 'lvcd-studio 0.1.0', precision: 'fp16' };
    now.onnxRuntime = '1.30.0';
    vi.stubGlobal('fetch', routedFetch({ 'GET /api/artifacts/rec': lvcdRecord(), 'GET /api/reproducibility': now }));
    const w = mount(RunRecordPanel, { props: { run: runWithRecord(RUN, 'rec', lvcdRecord()) }, global: withStudio(testStudio()) });
    await flushPromises();
    expect(w.findAll('[data-testid=rerun-warning]').map((li) => li.text())).toEqual([
      '⚠ The model files of bundle "lvcd" (#models) changed since this run (fp32 then, fp16 now): a rerun uses the new ones.',
      '⚠ ONNX Runtime is 1.30.0 now; this run used 1.29.0.',
    ]);
  });
});
