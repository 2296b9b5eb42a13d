import { emptyWorkflow, MAX_SEED, type NodeSpec, type WorkflowNode } from '@lvcd/nodes';
import { describe, expect, it } from 'vitest';
import { nextSeed, seedsAfterRun } from './seed-controls';

const spec: NodeSpec = {
  type: 'test/sample',
  title: 'Sample',
  category: 'test',
  description: '',
  version: 1,
  inputs: [],
  outputs: [],
  params: [
    { name: 'seed', description: 'noise', schema: { kind: 'seed', default: 1234 } },
    { name: 'steps', description: 'steps', schema: { kind: 'integer', default: 25, min: 1, max: 100 } },
  ],
};
const specs = new Map([[spec.type, spec]]);
const at = { x: 0, y: 0 };

describe('control after run', () => {
  it('counts up and down, wrapping within 0..MAX_SEED, draws anew, or keeps the seed', () => {
    expect(nextSeed(7, 'increment')).toBe(8);
    expect(nextSeed(MAX_SEED, 'increment')).toBe(0);
    expect(nextSeed(7, 'decrement')).toBe(6);
    expect(nextSeed(0, 'decrement')).toBe(MAX_SEED);
    expect(nextSeed(7, 'randomise', () => 99)).toBe(99);
    expect(nextSeed(7, 'fixed')).toBe(7);
    // After a batch of 3 (which itself stepped the seed 7, 8, 9): on to 10.
    expect(nextSeed(7, 'increment', undefined, 3)).toBe(10);
    expect(nextSeed(MAX_SEED - 1, 'increment', undefined, 3)).toBe(1);
    expect(nextSeed(1, 'decrement', undefined, 3)).toBe(MAX_SEED - 1);
  });

  it("moves only the controlled seeds of the document, from the param's default when unset", () => {
    const nodes: WorkflowNode[] = [
      { id: 'a', type: spec.type, params: { seed: 10 }, position: at, ui: { afterRun: { seed: 'increment' } } },
      // A control on a param that is not a seed does nothing.
      { id: 'b', type: spec.type, params: {}, position: at, ui: { afterRun: { seed: 'decrement', steps: 'increment' } } },
      { id: 'c', type: spec.type, params: { seed: 5 }, position: at },
    ];
    const doc = { ...emptyWorkflow(), nodes };
    const next = seedsAfterRun(doc, specs)!;
    expect(next.nodes.map((n) => n.params)).toEqual([{ seed: 11 }, { seed: 1233 }, { seed: 5 }]);
    expect(seedsAfterRun({ ...doc, nodes: [nodes[2]!] }, specs)).toBeNull();
  });
});
