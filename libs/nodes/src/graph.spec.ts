import { describe, expect, it } from 'vitest';
import { nodesOnCycles, planExecution, topologicalOrder } from './graph.js';
import { link, node, workflow } from './testing/fixtures.js';

describe('graph', () => {
  it('orders nodes after their inputs', () => {
    const order = topologicalOrder(['c', 'b', 'a'], [link('a', 'o', 'b', 'i'), link('b', 'o', 'c', 'i')]);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('names only the nodes on a cycle, not those hanging off it', () => {
    const links = [link('a', 'o', 'b', 'i'), link('b', 'o', 'c', 'i'), link('c', 'o', 'b', 'j'), link('c', 'o', 'd', 'i')];
    expect(topologicalOrder(['a', 'b', 'c', 'd'], links)).toBeNull();
    expect(nodesOnCycles(['a', 'b', 'c', 'd'], links)).toEqual(['b', 'c']);
  });

  it('plans only what the targets need', () => {
    const doc = workflow(
      [node('a', 't'), node('b', 't'), node('c', 't'), node('x', 't')],
      [link('a', 'o', 'b', 'i'), link('b', 'o', 'c', 'i'), link('a', 'o', 'x', 'i')],
    );
    expect(planExecution(doc, ['b'])).toEqual(['a', 'b']);
    expect(planExecution(doc, ['c', 'x'])).toEqual(['a', 'b', 'x', 'c']);
  });
});
