import { describe, expect, it } from 'vitest';
import type { NodeSpec } from './types.js';
import type { WorkflowNode } from './workflow.js';
import { validateWorkflow } from './validate.js';
import { link, node, workflow } from './testing/fixtures.js';

const specs = new Map<string, NodeSpec>(
  [
    {
      type: 'test/source',
      title: 'Source',
      category: 'test',
      description: '',
      version: 1,
      inputs: [],
      outputs: [{ name: 'image', type: 'IMAGE' }, { name: 'frames', type: 'FRAMES' }],
      params: [
        { name: 'file', schema: { kind: 'asset', accept: ['image'] } },
        { name: 'count', schema: { kind: 'integer', default: 3, min: 1, max: 10 } },
        { name: 'mode', schema: { kind: 'enum', default: 'a', options: ['a', 'b'] } },
        { name: 'seed', schema: { kind: 'seed', default: 1 } },
      ],
    },
    {
      type: 'test/sink',
      title: 'Sink',
      category: 'test',
      description: '',
      version: 1,
      isOutput: true,
      inputs: [{ name: 'image', type: 'IMAGE' }, { name: 'extra', type: 'FRAMES', optional: true }],
      outputs: [{ name: 'image', type: 'IMAGE' }],
      params: [{ name: 'strength', schema: { kind: 'number', default: 0.5, min: 0, max: 1 } }],
    },
  ].map((s) => [s.type, s as NodeSpec]),
);
const asset = 'a'.repeat(64);
const options = { specs, assetExists: (id: string) => id === asset };

describe('validateWorkflow', () => {
  it('accepts a well-formed workflow and returns a clean copy', () => {
    const doc = workflow([node('s', 'test/source', { file: asset }), node('k', 'test/sink')], [link('s', 'image', 'k', 'image')]);
    const result = validateWorkflow(doc, options);
    expect(result.problems).toEqual([]);
    expect(result.document).toEqual(doc);
  });

  it('reports every problem at once, each with its node, field and a fix', () => {
    const doc = workflow(
      [
        node('s', 'test/source', { file: 'b'.repeat(64), count: 11, mode: 'c', seed: -1, bogus: 1 }),
        node('k', 'test/sink', { strength: '0.3' }),
        node('u', 'test/nope'),
      ],
      [link('s', 'frames', 'k', 'image'), link('s', 'image', 'ghost', 'image')],
    );
    const { problems } = validateWorkflow(doc, options);
    const summary = problems.map((p) => [p.code, p.node, p.param ?? p.input]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['unknown-node-type', 'u', undefined],
        ['unknown-param', 's', 'bogus'],
        ['unknown-asset', 's', 'file'],
        ['bad-param', 's', 'count'],
        ['bad-param', 's', 'mode'],
        ['bad-param', 's', 'seed'],
        ['bad-param', 'k', 'strength'],
        ['type-mismatch', 'k', 'image'],
        ['unknown-node', 'ghost', undefined],
      ]),
    );
    expect(problems).toHaveLength(9);
    for (const p of problems) {
      expect(p.message.length).toBeGreaterThan(5);
      expect(p.fix.length).toBeGreaterThan(5);
    }
  });

  it('finds missing inputs and cycles', () => {
    const doc = workflow(
      [node('a', 'test/sink'), node('b', 'test/sink'), node('c', 'test/sink')],
      [link('a', 'image', 'b', 'image'), link('b', 'image', 'a', 'image')],
    );
    const { problems } = validateWorkflow(doc, options);
    expect(problems.filter((p) => p.code === 'cycle').map((p) => p.node).sort()).toEqual(['a', 'b']);
    expect(problems.filter((p) => p.code === 'missing-input').map((p) => p.node)).toEqual(['c']);
  });

  it('keeps the seed controls it knows (control after run), dropping fixed, unknown controls and empty names', () => {
    const seeded = { ...node('s', 'test/sink'), ui: { afterRun: { seed: 'increment', other: 'randomise', kept: 'fixed', odd: 'sideways', '': 'decrement' } } as unknown as WorkflowNode['ui'] };
    const none = { ...node('t', 'test/sink'), ui: { afterRun: { seed: 'fixed' } } as unknown as WorkflowNode['ui'] };
    const { document } = validateWorkflow(workflow([seeded, none], []), options);
    expect(document?.nodes.map((n) => n.ui)).toEqual([{ afterRun: { seed: 'increment', other: 'randomise' } }, undefined]);
  });

  it("keeps a node's drawing hints in range, drops the ones it does not know, and names a node by its title", () => {
    const titled = { ...node('k', 'test/sink'), title: 'Final', ui: { width: 5000, collapsed: true, colour: 'red' } };
    const plain = { ...node('j', 'test/sink'), ui: { width: 'wide', collapsed: 'yes' } as unknown as WorkflowNode['ui'] };
    const { document, problems } = validateWorkflow(workflow([titled, plain], []), options);
    expect(document?.nodes.map((n) => n.ui)).toEqual([{ width: 1200, collapsed: true }, undefined]);
    expect(problems.find((p) => p.node === 'k')?.message).toBe('Final needs its IMAGE input "image"');
    expect(problems.find((p) => p.node === 'j')?.message).toBe('Sink needs its IMAGE input "image"');
  });

  it('refuses unknown versions with a fix that says what to do', () => {
    const newer = validateWorkflow({ ...workflow([], []), version: 7 }, options);
    expect(newer.document).toBeUndefined();
    expect(newer.problems).toEqual([expect.objectContaining({ code: 'unknown-version', fix: expect.stringContaining('update') })]);
    const older = validateWorkflow({ ...workflow([], []), version: 0 }, options);
    expect(older.problems[0]?.fix).toContain('"version": 1');
  });

  it('never throws on hostile input', () => {
    const hostile: unknown[] = [
      null,
      42,
      'x',
      [],
      { format: 'lvcd-studio/workflow', version: 1, nodes: 'no', links: [] },
      { format: 'lvcd-studio/workflow', version: 1, nodes: [null, 1, { id: '' }, { id: 'x'.repeat(500), type: 't' }], links: [{}, { from: 1 }] },
      JSON.parse('{"format":"lvcd-studio/workflow","version":1,"nodes":[{"id":"p","type":"test/sink","params":{"__proto__":{"polluted":true}}}],"links":[]}'),
      { format: 'lvcd-studio/workflow', version: 1, nodes: Array.from({ length: 2001 }, (_, i) => node(`n${i}`, 'test/sink')), links: [] },
    ];
    for (const input of hostile) {
      const result = validateWorkflow(input, options);
      expect(result.problems.length).toBeGreaterThan(0);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts a frame sequence of sketches where frames are expected, not the reverse', () => {
    const sketchSpecs = new Map(specs);
    sketchSpecs.set('test/sketches', { ...specs.get('test/source')!, type: 'test/sketches', outputs: [{ name: 'sketches', type: 'SKETCHES' }], params: [] });
    const doc = workflow(
      [node('s', 'test/source', { file: asset }), node('sk', 'test/sketches'), node('k', 'test/sink')],
      [link('s', 'image', 'k', 'image'), link('sk', 'sketches', 'k', 'extra')],
    );
    expect(validateWorkflow(doc, { ...options, specs: sketchSpecs }).problems).toEqual([]);
  });
});
