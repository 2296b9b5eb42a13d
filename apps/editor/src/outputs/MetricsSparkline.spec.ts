import type { NodeSpec } from '@lvcd/nodes';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { routedFetch } from '../../test/support/run-records';
import { testStudio, withStudio } from '../../test/support/studio';
import type { Studio } from '../stores/studio';
import { NODE_EDITED } from '../editor/node-edits';
import NodeView from '../editor/NodeView.vue';
import { LNode } from '../editor/scheme';
import { frameQuality, sparkPoints } from './sparkline';

afterEach(() => vi.unstubAllGlobals());

const metricsSpec: NodeSpec = {
  type: 'metrics/quality',
  title: 'Quality Metrics',
  category: 'metrics',
  description: '',
  version: 2,
  roles: ['metrics'],
  inputs: [{ name: 'frames', type: 'FRAMES' }, { name: 'truth', type: 'FRAMES' }],
  outputs: [{ name: 'metrics', type: 'METRICS' }],
  params: [],
};

/** metrics.json as Quality Metrics writes it (summary, then one row per frame). */
const metricsJson = {
  protocol: { name: 'native' },
  summary: { frames: 4, meanPsnr: 25, meanSsim: 0.9 },
  frames: [
    { index: 0, psnr: 60, ssim: 1, flicker: null },
    { index: 1, psnr: 24, ssim: 0.91 },
    { index: 2, psnr: 18.5, ssim: 0.82 },
    { index: 3, psnr: 22, ssim: 0.88 },
  ],
};

describe('per-frame quality', () => {
  it('reads the rows of a metrics.json, leaving out what is not a number', () => {
    expect(frameQuality(metricsJson).map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(frameQuality({ frames: [{ index: 0, psnr: 'x', ssim: 1 }, { index: 1, psnr: 20, ssim: 0.5 }, null] })).toEqual([{ index: 1, psnr: 20, ssim: 0.5 }]);
    expect(frameQuality({})).toEqual([]);
    expect(frameQuality(null)).toEqual([]);
  });

  it('draws the highest value at the top and the lowest at the bottom, across the width', () => {
    expect(sparkPoints([10, 30, 20], 100, 20)).toBe('0,20 50,0 100,10');
    expect(sparkPoints([5, 5], 100, 20)).toBe('0,10 100,10');
    expect(sparkPoints([7], 100, 20)).toBe('0,10 100,10');
    expect(sparkPoints([], 100, 20)).toBe('');
  });
});

function mountMetricsNode(studio: Studio) {
  const global = withStudio(studio);
  return mount(NodeView, {
    props: { data: new LNode('metrics', metricsSpec, {}), emit: () => undefined },
    global: { ...global, provide: { ...global.provide, [NODE_EDITED as symbol]: () => undefined } },
  });
}

describe('the Quality Metrics node', () => {
  it('shows its means and a PSNR and an SSIM sparkline of every frame, with the lowest frame named', async () => {
    const calls: { method: string; path: string }[] = [];
    vi.stubGlobal('fetch', routedFetch({ 'GET /api/artifacts/m1': metricsJson }, calls));
    const studio = testStudio();
    const w = mountMetricsNode(studio);
    studio.runtime.setRunState('metrics', { status: 'done', metrics: { psnr: 25, ssim: 0.9, frames: 4, protocol: 'native', artifact: 'm1' } });
    await flushPromises();
    expect(calls.map((c) => c.path)).toEqual(['/api/artifacts/m1']);
    expect(w.get('[data-testid=node-metrics]').text()).toContain('PSNR 25.00 dB · SSIM 0.900 (native)');
    const spark = w.get('[data-testid=metrics-sparkline]');
    expect(spark.attributes('data-frames')).toBe('4');
    const psnr = w.get('[data-testid=sparkline-psnr]').attributes('points')!.split(' ');
    expect(psnr).toHaveLength(4);
    // Frame 0 (60 dB) at the top, frame 2 (18.5 dB) at the bottom of the 22 px line.
    expect(psnr[0]).toBe('0,0');
    expect(psnr[2]).toMatch(/,22$/);
    expect(spark.text()).toContain('18.5–60.0');
    expect(spark.text()).toContain('0.820–1.000');
    expect(w.findAll('.metrics-spark-row').map((r) => r.attributes('title'))).toEqual(['lowest at frame 2: 18.5', 'lowest at frame 2: 0.820']);
  });

  it('shows the means alone when the metrics artefact cannot be read', async () => {
    vi.stubGlobal('fetch', routedFetch({}));
    const studio = testStudio();
    const w = mountMetricsNode(studio);
    studio.runtime.setRunState('metrics', { status: 'done', metrics: { psnr: 25, ssim: 0.9, frames: 4, artifact: 'gone' } });
    await flushPromises();
    expect(w.get('[data-testid=node-metrics]').text()).toContain('PSNR 25.00 dB');
    expect(w.find('[data-testid=metrics-sparkline]').exists()).toBe(false);
  });
});
