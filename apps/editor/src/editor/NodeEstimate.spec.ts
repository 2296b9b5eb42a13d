import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '@lvcd/nodes';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../api/client';
import type { NodeCostEstimate, NodePlanEstimate } from '../api/plan-types';
import { createPlanEstimates } from '../stores/plan-estimates';
import { shallowRef } from 'vue';
import { testStudio, withStudio } from '../../test/support/studio';
import { routedFetch } from '../../test/support/run-records';
import { durationText, estimateText, memoryText, remainingFromProgress } from './estimate-text';
import NodeEstimate from './NodeEstimate.vue';

const GB = 2 ** 30;
const doc = (steps: number): WorkflowDocument => ({
  format: WORKFLOW_FORMAT,
  version: WORKFLOW_VERSION,
  meta: {},
  nodes: [{ id: 'colorize', type: 'lvcd/colorize', params: { steps }, position: { x: 0, y: 0 } }],
  links: [],
});
const estimate = (fits: boolean): NodePlanEstimate & { estimate: NodeCostEstimate } => ({
  node: 'colorize',
  estimate: { peakBytes: 2.4 * GB, freeBytes: 8 * GB, fits, seconds: 180, details: ['3 windows for 39 frames at 576x320, 25 steps, on the CPU', 'peak 2.4 GB'] },
});

afterEach(() => vi.unstubAllGlobals());

describe('the estimate text', () => {
  it('says memory in GB (MB below one) and time in s, min or h', () => {
    expect(estimateText(estimate(true).estimate)).toBe('≈ 2.4 GB · ≈ 3 min');
    expect(memoryText(300 * 2 ** 20)).toBe('300 MB');
    expect([durationText(0.2), durationText(89), durationText(95 * 60)]).toEqual(['1 s', '89 s', '1.6 h']);
    expect(remainingFromProgress('window 2/5, step 3/25 (cpu), about 3 min left')).toBe('about 3 min left');
    expect(remainingFromProgress('window 1/5, step 1/25 (cpu)')).toBeUndefined();
  });
});

describe('NodeEstimate', () => {
  async function mountFor(answer: NodePlanEstimate) {
    vi.stubGlobal('fetch', routedFetch({ 'POST /api/plan': { nodes: [answer] } }));
    const studio = testStudio();
    studio.workflow.doc.value = doc(25);
    await studio.estimates.refresh();
    const w = mount(NodeEstimate, { props: { nodeId: 'colorize' }, global: withStudio(studio) });
    return { w, studio };
  }

  it("shows the node's memory and time before queueing, the details as its tooltip", async () => {
    const { w } = await mountFor(estimate(true));
    const badge = w.get('[data-testid=node-estimate]');
    expect(badge.text()).toBe('≈ 2.4 GB · ≈ 3 min');
    expect(badge.attributes('data-fits')).toBe('true');
    expect(badge.classes()).not.toContain('does-not-fit');
    expect(badge.attributes('title')).toBe('3 windows for 39 frames at 576x320, 25 steps, on the CPU\npeak 2.4 GB');
  });

  it('is red when the run does not fit, and says nothing when the server knows no estimate', async () => {
    expect((await mountFor(estimate(false))).w.get('[data-testid=node-estimate]').classes()).toContain('does-not-fit');
    expect((await mountFor({ node: 'colorize', unknown: 'no bundle lvcd' })).w.find('[data-testid=node-estimate]').exists()).toBe(false);
  });

  it('shows the time left from the progress text while the node runs', async () => {
    const { w, studio } = await mountFor(estimate(true));
    studio.runtime.setRunState('colorize', { status: 'running', value: 3, max: 125, text: 'window 1/5, step 3/25 (cpu), about 3 min left' });
    await w.vm.$nextTick();
    const badge = w.get('[data-testid=node-estimate]');
    expect(badge.text()).toBe('about 3 min left');
    expect(badge.attributes('data-kind')).toBe('left');
  });
});

describe('createPlanEstimates', () => {
  it('asks once edits pause, with the newest document, and keeps no answer to an older one', async () => {
    const calls: { method: string; path: string; body?: unknown }[] = [];
    vi.stubGlobal('fetch', routedFetch({ 'POST /api/plan': { nodes: [estimate(true)] } }, calls));
    const source = shallowRef(doc(25));
    const estimates = createPlanEstimates({ api: createApiClient(), doc: source, debounceMs: 30 });
    source.value = doc(10);
    source.value = doc(20);
    await new Promise((r) => setTimeout(r, 5));
    source.value = doc(30);
    await new Promise((r) => setTimeout(r, 80));
    await flushPromises();
    expect(calls).toHaveLength(1);
    expect((calls[0]!.body as { document: WorkflowDocument }).document.nodes[0]!.params['steps']).toBe(30);
    expect(estimates.byNode.value['colorize']).toEqual(estimate(true));
    estimates.dispose();
  });

  it('forgets the estimates when the server cannot plan the document', async () => {
    vi.stubGlobal('fetch', routedFetch({}));
    const estimates = createPlanEstimates({ api: createApiClient(), doc: shallowRef(doc(25)) });
    await estimates.refresh();
    expect(estimates.byNode.value).toEqual({});
  });
});
