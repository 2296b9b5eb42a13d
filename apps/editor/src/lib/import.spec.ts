import type { NodeSpec } from '@lvcd/nodes';
import { describe, expect, it } from 'vitest';
import { parseWorkflowText, readWorkflowFile } from './import';

const specs = new Map<string, NodeSpec>([
  ['image/load', { type: 'image/load', title: 'Load Image', category: 'image', description: '', version: 1, inputs: [], outputs: [{ name: 'image', type: 'IMAGE' }], params: [{ name: 'image', schema: { kind: 'asset', accept: ['image'] } }] }],
  ['image/save', { type: 'image/save', title: 'Save Image', category: 'output', description: '', version: 1, isOutput: true, inputs: [{ name: 'image', type: 'IMAGE' }], outputs: [], params: [{ name: 'name', schema: { kind: 'string', default: 'image', maxLength: 80 } }] }],
]);

const good = {
  format: 'lvcd-studio/workflow',
  version: 1,
  nodes: [
    { id: '1', type: 'image/load', params: { image: 'a'.repeat(64) }, position: { x: 0, y: 0 } },
    { id: '2', type: 'image/save', params: {}, position: { x: 300, y: 0 } },
  ],
  links: [{ from: { node: '1', output: 'image' }, to: { node: '2', input: 'image' } }],
  meta: { name: 'ok' },
};

describe('parseWorkflowText', () => {
  it('accepts a good workflow and keeps only known fields', () => {
    const r = parseWorkflowText(JSON.stringify({ ...good, extra: 'dropped' }), specs);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.document.nodes).toHaveLength(2);
      expect(r.document).not.toHaveProperty('extra');
      expect(r.problems).toEqual([]);
    }
  });

  it('opens a workflow with fixable problems and reports them', () => {
    const r = parseWorkflowText(JSON.stringify({ ...good, links: [] }), specs);
    expect(r.ok && r.problems.map((p) => p.code)).toEqual(['missing-input']);
  });

  it.each([
    ['not JSON', '{"nodes": [', /not valid JSON/],
    ['another format', JSON.stringify({ format: 'comfyui', nodes: [] }), /not an LVCD Studio workflow/],
    ['a newer version', JSON.stringify({ ...good, version: 9 }), /version 9 is not supported/],
    ['an unknown node type', JSON.stringify({ ...good, nodes: [{ id: '1', type: 'evil/x' }], links: [] }), /unknown node type "evil\/x"/],
    ['a link to nowhere', JSON.stringify({ ...good, links: [{ from: { node: '9', output: 'image' }, to: { node: '2', input: 'image' } }] }), /node 9/],
    ['a malformed node', JSON.stringify({ ...good, nodes: [...good.nodes, 'nope'] }), /nodes\[2\] is not an object/],
    ['a top-level list', '[]', /must be a JSON object/],
  ])('refuses %s with a clear message', (_what, text, message) => {
    const r = parseWorkflowText(text, specs, 'the file');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('is not fooled by __proto__ keys', () => {
    const text = '{"format":"lvcd-studio/workflow","version":1,"nodes":[{"id":"2","type":"image/save","params":{"__proto__":{"polluted":1}}}],"links":[],"meta":{}}';
    parseWorkflowText(text, specs);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('readWorkflowFile', () => {
  it('reads a JSON file', async () => {
    const r = await readWorkflowFile(new File([JSON.stringify(good)], 'flow.json', { type: 'application/json' }), specs);
    expect(r.ok).toBe(true);
  });

  it('tells a plain picture apart from a broken workflow', async () => {
    const sig = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 0, 73, 69, 78, 68, 0, 0, 0, 0]);
    const r = await readWorkflowFile(new File([sig], 'photo.png', { type: 'image/png' }), specs);
    expect(r).toMatchObject({ ok: false, plainImage: true });
  });

  it('refuses binary junk that is not a PNG', async () => {
    const r = await readWorkflowFile(new File([new Uint8Array([0xff, 0xfe, 0xfd, 0x80])], 'junk.bin'), specs);
    expect(r).toMatchObject({ ok: false });
    if (!r.ok) expect(r.message).toMatch(/neither a workflow JSON file nor a studio PNG/);
  });
});
