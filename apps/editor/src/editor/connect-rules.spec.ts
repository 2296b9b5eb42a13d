import type { NodeSpec, WorkflowDocument } from '@lvcd/nodes';
import { describe, expect, it } from 'vitest';
import { matchingSocket, reaches, refuseLink } from './connect-rules';

const spec = (type: string, inputs: NodeSpec['inputs'], outputs: NodeSpec['outputs']): NodeSpec => ({ type, title: type, category: 'x', description: '', version: 1, inputs, outputs, params: [] });
const specs = new Map<string, NodeSpec>([
  ['img', spec('img', [{ name: 'in', type: 'IMAGE' }], [{ name: 'out', type: 'IMAGE' }])],
  ['frames', spec('frames', [{ name: 'frames', type: 'FRAMES' }], [{ name: 'frames', type: 'FRAMES' }])],
  ['sketch', spec('sketch', [], [{ name: 'sketches', type: 'SKETCHES' }])],
]);

const doc = (nodes: [string, string][], links: [string, string][] = []): WorkflowDocument => ({
  format: 'lvcd-studio/workflow',
  version: 1,
  meta: {},
  nodes: nodes.map(([id, type]) => ({ id, type, params: {}, position: { x: 0, y: 0 } })),
  links: links.map(([a, b]) => ({ from: { node: a, output: 'out' }, to: { node: b, input: 'in' } })),
});

describe('refuseLink', () => {
  it('allows matching types and the FRAMES <- SKETCHES widening', () => {
    const d = doc([['1', 'img'], ['2', 'img'], ['3', 'sketch'], ['4', 'frames']]);
    expect(refuseLink(d, specs, { from: { node: '1', output: 'out' }, to: { node: '2', input: 'in' } })).toBeNull();
    expect(refuseLink(d, specs, { from: { node: '3', output: 'sketches' }, to: { node: '4', input: 'frames' } })).toBeNull();
  });

  it('names both types when they do not fit', () => {
    const d = doc([['1', 'img'], ['4', 'frames']]);
    expect(refuseLink(d, specs, { from: { node: '4', output: 'frames' }, to: { node: '1', input: 'in' } })).toBe('img.in takes IMAGE, but frames.frames gives FRAMES');
  });

  it('refuses self links and cycles, but not a link that replaces the one closing the loop', () => {
    const d = doc([['1', 'img'], ['2', 'img'], ['3', 'img']], [['1', '2'], ['2', '3']]);
    expect(refuseLink(d, specs, { from: { node: '1', output: 'out' }, to: { node: '1', input: 'in' } })).toMatch(/cannot feed itself/);
    expect(refuseLink(d, specs, { from: { node: '3', output: 'out' }, to: { node: '1', input: 'in' } })).toMatch(/cycle/);
    // 3 -> 2 replaces 1 -> 2; 2 -> 3 remains, so this is a cycle too.
    expect(refuseLink(d, specs, { from: { node: '3', output: 'out' }, to: { node: '2', input: 'in' } })).toMatch(/cycle/);
    // 1 -> 3 replaces 2 -> 3: fine.
    expect(refuseLink(d, specs, { from: { node: '1', output: 'out' }, to: { node: '3', input: 'in' } })).toBeNull();
  });

  it('follows links downstream', () => {
    const links = doc([], [['a', 'b'], ['b', 'c']]).links;
    expect(reaches(links, 'a', 'c')).toBe(true);
    expect(reaches(links, 'c', 'a')).toBe(false);
  });
});

describe('matchingSocket', () => {
  it('finds the input that takes a dragged output, and the output that feeds a dragged input', () => {
    expect(matchingSocket(specs.get('frames')!, { side: 'output', type: 'SKETCHES' })).toBe('frames');
    expect(matchingSocket(specs.get('img')!, { side: 'output', type: 'FRAMES' })).toBeUndefined();
    expect(matchingSocket(specs.get('sketch')!, { side: 'input', type: 'FRAMES' })).toBe('sketches');
    expect(matchingSocket(specs.get('sketch')!, { side: 'input', type: 'IMAGE' })).toBeUndefined();
  });
});
