import { describe, expect, it } from 'vitest';
import { planRun } from './plan.js';
import { link, node, workflow } from './testing/fixtures.js';
import type { NodeSpec } from './types.js';

const spec = (type: string, extra: Partial<NodeSpec>): NodeSpec => ({ type, title: type, category: 'test', description: '', version: 1, inputs: [], outputs: [], params: [], ...extra });
const specs = new Map<string, NodeSpec>([
  ['test/source', spec('test/source', { outputs: [{ name: 'image', type: 'IMAGE' }] })],
  ['test/step', spec('test/step', { inputs: [{ name: 'image', type: 'IMAGE' }], outputs: [{ name: 'image', type: 'IMAGE' }] })],
  ['test/save', spec('test/save', { isOutput: true, inputs: [{ name: 'image', type: 'IMAGE' }] })],
]);
const catalogue = { specs };

function chain() {
  return workflow(
    [node('src', 'test/source'), node('a', 'test/step'), node('b', 'test/step'), node('save', 'test/save'), node('side', 'test/step')],
    [link('src', 'image', 'a', 'image'), link('a', 'image', 'b', 'image'), link('b', 'image', 'save', 'image'), link('src', 'image', 'side', 'image')],
  );
}

describe('planRun', () => {
  it('targets every output node by default and orders what they need (nothing else)', () => {
    const { plan, problems } = planRun(chain(), catalogue);
    expect(problems).toEqual([]);
    expect(plan?.targets).toEqual(['save']);
    expect(plan?.order).toEqual(['src', 'a', 'b', 'save']);
  });

  it('plans only what given targets need', () => {
    expect(planRun(chain(), catalogue, { targets: ['side'] }).plan?.order).toEqual(['src', 'side']);
  });

  it('says there is nothing to run when the workflow has no output node, and names unknown targets', () => {
    const noOutput = workflow([node('src', 'test/source')], []);
    expect(planRun(noOutput, catalogue).problems).toEqual([expect.objectContaining({ code: 'nothing-to-run', fix: 'add a Save or Preview node' })]);
    const unknown = planRun(chain(), catalogue, { targets: ['ghost'] });
    expect(unknown.plan).toBeUndefined();
    expect(unknown.problems).toEqual([expect.objectContaining({ code: 'unknown-node', node: 'ghost' })]);
  });

  it('returns every validation problem at once and no plan for a broken document', () => {
    const doc = chain();
    doc.links = doc.links.filter((l) => l.to.node !== 'b');
    doc.nodes.push(node('odd', 'test/unknown'));
    const { plan, problems } = planRun(doc, catalogue);
    expect(plan).toBeUndefined();
    expect(problems.map((p) => p.code).sort()).toEqual(['missing-input', 'unknown-node-type']);
    expect(planRun('not a workflow', catalogue).problems[0]?.code).toBe('bad-document');
  });
});
