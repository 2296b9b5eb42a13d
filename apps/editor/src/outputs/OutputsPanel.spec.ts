import type { OutputPage, OutputView } from '@lvcd/nodes';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testStudio, withStudio } from '../../test/support/studio';
import RunDetailView from '../components/RunDetailView.vue';
import OutputsPanel from './OutputsPanel.vue';
import { outputsQuery } from './outputs-store';
import RunThumb from './RunThumb.vue';

afterEach(() => vi.unstubAllGlobals());

const WORKFLOW = '22222222-0000-4000-8000-000000000000';

function output(i: number, patch: Partial<OutputView> = {}): OutputView {
  return { id: `out-${i}`, node: 'save', name: `frame${i}.png`, mime: 'image/png', kind: 'image', size: 10, runId: `run-${i}`, runStatus: 'succeeded', workflowName: 'Demo', createdAt: new Date(i * 1000).toISOString(), ...patch };
}

/** A gallery endpoint over `all` that filters and pages as the server does, recording each query. */
function gallery(all: OutputView[], queries: URLSearchParams[]) {
  return async (input: string | URL | Request) => {
    const url = new URL(String(input), 'http://studio');
    if (url.pathname === '/api/workflows') return Response.json([{ id: WORKFLOW, name: 'Demo', version: 1, updatedAt: new Date(0).toISOString() }]);
    if (url.pathname !== '/api/artifacts') return Response.json({ message: `no ${url.pathname}` }, { status: 404 });
    const q = url.searchParams;
    queries.push(q);
    const kept = all.filter((o) => (!q.get('kind') || o.mime.startsWith(`${q.get('kind')}/`)) && (!q.get('workflow') || o.workflowId === q.get('workflow')) && (!q.get('status') || o.runStatus === q.get('status')));
    const offset = Number(q.get('offset'));
    const limit = Number(q.get('limit'));
    const page: OutputPage = { items: kept.slice(offset, offset + limit), total: kept.length, limit, offset };
    return Response.json(page);
  };
}

describe('the outputs gallery', () => {
  it('asks for the filters set, leaving empty ones out', () => {
    expect(outputsQuery({ kind: '', workflow: '', status: '' }, 0)).toBe('limit=24&offset=0');
    expect(outputsQuery({ kind: 'video', workflow: WORKFLOW, status: 'failed' }, 48, 10)).toBe(`kind=video&workflow=${WORKFLOW}&status=failed&limit=10&offset=48`);
  });

  it('shows images and videos of every run, pages on, filters, and opens the run of a tile', async () => {
    const all = [
      output(1, { id: 'vid', mime: 'video/mp4', kind: 'video', name: 'colorized.mp4', workflowId: WORKFLOW }),
      ...Array.from({ length: 29 }, (_, i) => output(i + 2, { ...(i % 2 ? { workflowId: WORKFLOW } : {}), ...(i === 3 ? { runStatus: 'failed' as const } : {}) })),
    ];
    const queries: URLSearchParams[] = [];
    vi.stubGlobal('fetch', gallery(all, queries));
    const w = mount(OutputsPanel, { global: withStudio(testStudio()) });
    await flushPromises();
    expect(w.findAll('[data-testid=output-tile]')).toHaveLength(24);
    expect(w.get('[data-testid=outputs-count]').text()).toBe('24 of 30');
    const first = w.get('[data-testid=output-tile]');
    expect(first.attributes('data-kind')).toBe('video');
    expect(first.get('video').attributes('src')).toBe('/api/artifacts/vid');
    expect(first.text()).toContain('▶ Demo');
    expect(w.findAll('[data-testid=output-tile]')[1]!.get('img').attributes('src')).toBe('/api/artifacts/out-2');
    // A failed run's output says so on its tile.
    expect(w.findAll('.output-status').map((s) => s.text())).toEqual(['failed']);

    await w.get('[data-testid=outputs-more]').trigger('click');
    await flushPromises();
    expect(w.findAll('[data-testid=output-tile]')).toHaveLength(30);
    expect(w.find('[data-testid=outputs-more]').exists()).toBe(false);
    expect(queries.at(-1)!.get('offset')).toBe('24');

    await w.get('[data-testid=outputs-kind]').setValue('video');
    await flushPromises();
    expect(w.findAll('[data-testid=output-tile]').map((t) => t.attributes('data-run-id'))).toEqual(['run-1']);
    await w.get('[data-testid=outputs-kind]').setValue('');
    await w.get('[data-testid=outputs-workflow]').setValue(WORKFLOW);
    await w.get('[data-testid=outputs-status]').setValue('succeeded');
    await flushPromises();
    expect(queries.at(-1)!.toString()).toBe(`workflow=${WORKFLOW}&status=succeeded&limit=24&offset=0`);
    expect(w.findAll('[data-testid=output-tile]')).toHaveLength(14);

    await w.findAll('[data-testid=output-tile]')[2]!.trigger('click');
    expect(w.emitted('open')).toEqual([['run-7']]);
  });

  it('shows the outputs of a run that ends while it is open', async () => {
    const all = [output(1)];
    const queries: URLSearchParams[] = [];
    vi.stubGlobal('fetch', gallery(all, queries));
    const studio = testStudio();
    const w = mount(OutputsPanel, { global: withStudio(studio) });
    await flushPromises();
    expect(w.findAll('[data-testid=output-tile]')).toHaveLength(1);
    all.unshift(output(2));
    studio.runs.runs.value = [{ id: 'run-2', status: 'running', createdAt: new Date(0).toISOString() }];
    await flushPromises();
    expect(queries).toHaveLength(1); // still running: nothing new to show yet
    studio.runs.runs.value = [{ id: 'run-2', status: 'succeeded', createdAt: new Date(0).toISOString() }];
    await flushPromises();
    expect(w.findAll('[data-testid=output-tile]').map((t) => t.attributes('data-run-id'))).toEqual(['run-2', 'run-1']);
  });

  it('says when nothing matches the filters', async () => {
    vi.stubGlobal('fetch', gallery([output(1)], []));
    const w = mount(OutputsPanel, { global: withStudio(testStudio()) });
    await flushPromises();
    await w.get('[data-testid=outputs-status]').setValue('cancelled');
    await flushPromises();
    expect(w.get('[data-testid=outputs-empty]').text()).toBe('No outputs match these filters.');
  });
});

describe('History thumbnails and the run detail', () => {
  it('labels a video thumbnail, shows an image one as it is, and says when a run has no picture', () => {
    const video = mount(RunThumb, { props: { run: { status: 'succeeded', thumbnail: 'v1', thumbnailKind: 'video' } } });
    expect(video.attributes('data-kind')).toBe('video');
    expect(video.get('video').attributes('src')).toBe('/api/artifacts/v1');
    expect(video.text()).toBe('▶ video');
    const image = mount(RunThumb, { props: { run: { status: 'succeeded', thumbnail: 'i1' } } });
    expect(image.get('img').attributes('src')).toBe('/api/artifacts/i1');
    expect(image.text()).toBe('');
    expect(mount(RunThumb, { props: { run: { status: 'failed' } } }).text()).toBe('failed');
  });

  it('plays a saved video inline in the run detail, and still offers it as a download', async () => {
    const run = {
      id: 'r1', status: 'succeeded', createdAt: new Date(0).toISOString(), document: { format: 'lvcd-studio/workflow', version: 1, nodes: [], links: [], meta: {} }, nodes: {},
      artifacts: [{ id: 'v1', node: 'save', name: 'colorized.mp4', mime: 'video/mp4', kind: 'video', size: 10 }, { id: 'j1', node: 'metrics', name: 'metrics.json', mime: 'application/json', kind: 'json', size: 10 }],
    };
    vi.stubGlobal('fetch', async (input: string) => (String(input) === '/api/runs/r1' ? Response.json(run) : Response.json({ message: 'no' }, { status: 404 })));
    const w = mount(RunDetailView, { props: { runId: 'r1' }, global: withStudio(testStudio()) });
    await flushPromises();
    const players = w.findAll('[data-testid=run-video]');
    expect(players).toHaveLength(1);
    expect(players[0]!.attributes()).toMatchObject({ src: '/api/artifacts/v1', controls: '' });
    expect(w.findAll('.run-files a').map((a) => a.attributes('href'))).toEqual(['/api/artifacts/v1?download=1', '/api/artifacts/j1?download=1']);
  });
});
