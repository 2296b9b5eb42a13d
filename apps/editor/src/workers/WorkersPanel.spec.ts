import type { WorkerView } from '@lvcd/nodes';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testStudio, withStudio } from '../../test/support/studio';
import RunAttempts from './RunAttempts.vue';
import WorkersPanel from './WorkersPanel.vue';

const RUN = '11111111-2222-4333-8444-555555555555';
const fresh = () => new Date().toISOString();
const w = (id: string, over: Partial<WorkerView> = {}): WorkerView => ({
  id, pid: 12, state: 'ready', host: 'gpu-box', provider: 'cuda', gpu: 1, deviceMemoryBytes: 24e9, freeMemoryBytes: 18e9,
  concurrency: 2, running: [], bundles: ['h1', 'h2'], version: '0.1.0', rssBytes: null, lastSeen: fresh(), ...over,
});

afterEach(() => vi.unstubAllGlobals());

describe('the Workers panel', () => {
  it('lists each worker with its device, memory bar, load, bundles and runs, and opens a run it executes', async () => {
    const workers = [w('w1', { running: [RUN] }), w('w2', { provider: 'cpu', gpu: null, lastSeen: '2020-01-01T00:00:00.000Z', bundles: [] })];
    const fetch = vi.fn(async () => new Response(JSON.stringify(workers)));
    vi.stubGlobal('fetch', fetch);
    const studio = testStudio();
    const panel = mount(WorkersPanel, { global: withStudio(studio) });
    await vi.waitFor(() => expect(panel.findAll('[data-testid="worker"]')).toHaveLength(2));
    const [one, two] = panel.findAll('[data-testid="worker"]');
    expect(one!.find('[data-testid="worker-device"]').text()).toBe('CUDA · GPU 1');
    expect(one!.find('[data-testid="worker-mem-used"]').attributes('style')).toContain('width: 25%');
    expect(one!.find('[data-testid="worker-load"]').text()).toBe('1 / 2 running');
    expect(one!.find('[data-testid="worker-bundles"]').text()).toBe('2 bundles open');
    expect(one!.classes()).not.toContain('stale');
    expect(two!.classes()).toContain('stale');
    expect(two!.find('[data-testid="worker-seen"]').text()).toMatch(/^stale · \d+ s ago$/);
    await one!.find('[data-testid="worker-run"]').trigger('click');
    expect(panel.emitted('open')).toEqual([[RUN]]);
    expect(studio.workers.polling()).toBe(true);
    panel.unmount();
    expect(studio.workers.polling()).toBe(false);
    expect(fetch).toHaveBeenCalledWith('/api/workers', expect.anything());
  });

  it('says when no worker is registered, and why a read failed', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('[]')));
    const studio = testStudio();
    const panel = mount(WorkersPanel, { global: withStudio(studio) });
    await vi.waitFor(() => expect(panel.text()).toContain('No worker is registered'));
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"message":"cannot read worker heartbeats"}', { status: 503 })));
    await studio.workers.refresh();
    await flushPromises();
    expect(panel.find('[data-testid="workers-error"]').text()).toBe('Cannot read the workers: cannot read worker heartbeats');
    panel.unmount();
  });
});

describe("a run's attempts in its detail", () => {
  it('reads the handover', () => {
    const view = mount(RunAttempts, {
      props: { attempts: [{ worker: 'w1', host: 'a', startedAt: 0, handedOver: 'its worker stopped during the run; w2 on b resumed it' }, { worker: 'w2', host: 'b', startedAt: 1000 }] },
    });
    const items = view.findAll('[data-testid="run-attempt"]').map((li) => li.text());
    expect(items[0]).toMatch(/^w1 on a took it at /);
    expect(items[1]).toMatch(/^w2 on b took over from w1 after it stopped, at /);
  });
});
