import { decodeRgb } from '@lvcd/media';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../catalogue/index.js';
import { WorkflowInvalidError } from '../problems.js';
import { gradientPng, link, node, runWorkflow, withTempDir, workflow } from '../testing/fixtures.js';
import { AssetStore } from './asset-store.js';
import type { ExecutionEvent } from './events.js';
import type { ExecutorDeps } from './executor.js';
import { NodeRegistry } from './registry.js';
import { OutputCache } from './output-cache.js';
import { defineNode } from './define-node.js';
import { NodeError, type NodeType } from './node-type.js';

async function setup(dir: string, registry = createBuiltinRegistry()) {
  const assets = new AssetStore(join(dir, 'assets'));
  await assets.init();
  const png = await assets.put(await gradientPng(), 'gradient.png');
  const deps: ExecutorDeps = { registry, cache: new OutputCache(join(dir, 'cache'), 1e9), assets, modelsDir: join(dir, 'models') };
  return { deps, assetId: png.id };
}

function chain(assetId: string, name = 'out', inverts = 1) {
  const nodes = [node('load', 'image/load', { image: assetId })];
  const links = [];
  let prev = 'load';
  for (let i = 0; i < inverts; i++) {
    nodes.push(node(`inv${i}`, 'image/invert'));
    links.push(link(prev, 'image', `inv${i}`, 'image'));
    prev = `inv${i}`;
  }
  nodes.push(node('save', 'image/save', { name }));
  links.push(link(prev, 'image', 'save', 'image'));
  return workflow(nodes, links);
}

describe('executeWorkflow', () => {
  it('runs real nodes in order and produces the inverted image as an artefact', async () => {
    await withTempDir(async (dir) => {
      const { deps, assetId } = await setup(dir);
      const events: ExecutionEvent[] = [];
      const result = await runWorkflow(chain(assetId), deps, { onEvent: (e) => events.push(e) });
      expect(result.status).toBe('succeeded');
      expect(events.filter((e) => e.type === 'node:started').map((e) => (e as { node: string }).node)).toEqual(['load', 'inv0', 'save']);
      const frame = events.find((e) => e.type === 'frame');
      expect(frame).toMatchObject({ node: 'save', index: 0, width: 16, height: 8, mime: 'image/png' });
      const [artifact] = result.artifacts;
      const original = await decodeRgb(await gradientPng());
      const saved = await decodeRgb(artifact!.artifact.file);
      expect(saved.data.every((v, i) => v === 255 - original.data[i]!)).toBe(true);
    });
  });

  it('re-executes only the changed node and what depends on it', async () => {
    await withTempDir(async (dir) => {
      const { deps, assetId } = await setup(dir);
      const signal = new AbortController().signal;
      await runWorkflow(chain(assetId, 'first'), deps, { signal });
      const second = await runWorkflow(chain(assetId, 'second'), deps, { signal });
      expect(Object.fromEntries(Object.entries(second.nodes).map(([id, o]) => [id, o.status]))).toEqual({ load: 'cached', inv0: 'cached', save: 'done' });
      expect(second.artifacts[0]!.artifact.name).toBe('second.png');
      const third = await runWorkflow(chain(assetId, 'second'), deps, { signal });
      expect(Object.values(third.nodes).every((o) => o.status === 'cached')).toBe(true);
      expect(third.artifacts[0]!.artifact.name).toBe('second.png');
    });
  });

  it('runs only what the requested targets need', async () => {
    await withTempDir(async (dir) => {
      const { deps, assetId } = await setup(dir);
      const doc = chain(assetId);
      doc.nodes.push(node('other', 'image/save', { name: 'other' }));
      doc.links.push(link('load', 'image', 'other', 'image'));
      const result = await runWorkflow(doc, deps, { targets: ['other'] });
      expect(Object.keys(result.nodes)).toEqual(['load', 'other']);
    });
  });

  it('passes a bypassed node through, and ends every planned node with exactly one terminal event', async () => {
    await withTempDir(async (dir) => {
      const { deps, assetId } = await setup(dir);
      const doc = chain(assetId, 'out', 2);
      doc.nodes.find((n) => n.id === 'inv1')!.bypass = true;
      const events: ExecutionEvent[] = [];
      const result = await runWorkflow(doc, deps, { onEvent: (e) => events.push(e) });
      const terminal = events.filter((e) => ['node:finished', 'node:cached', 'node:bypassed', 'node:failed'].includes(e.type)).map((e) => `${(e as { node: string }).node}:${e.type}`);
      expect(terminal).toEqual(['load:node:finished', 'inv0:node:finished', 'inv1:node:bypassed', 'save:node:finished']);
      expect(result.nodes.inv1).toEqual({ status: 'bypassed', ms: 0 });
      const original = await decodeRgb(await gradientPng());
      const saved = await decodeRgb(result.artifacts[0]!.artifact.file);
      expect(saved.data.every((v, i) => v === 255 - original.data[i]!)).toBe(true);
    });
  });

  it('keeps the field a NodeError names, in the event and the result', async () => {
    await withTempDir(async (dir) => {
      const picky = defineNode({
        type: 'test/picky', title: 'Picky', category: 'test', description: '', version: 1,
        inputs: [{ name: 'image', type: 'IMAGE' }], outputs: [{ name: 'image', type: 'IMAGE' }],
        params: [{ name: 'level', schema: { kind: 'integer', default: 3, min: 0, max: 9 } }],
        execute: async (ctx) => { throw new NodeError(`level ${ctx.params.level} is too high for a ${ctx.inputs.image.width}px image; set 1`, 'level'); },
      });
      const builtin = createBuiltinRegistry();
      const { deps, assetId } = await setup(dir, new NodeRegistry([...builtin.list().map((s) => builtin.get(s.type)!), picky]));
      const doc = chain(assetId);
      doc.nodes.find((n) => n.id === 'inv0')!.type = 'test/picky';
      const events: ExecutionEvent[] = [];
      const result = await runWorkflow(doc, deps, { onEvent: (e) => events.push(e) });
      expect(result.error).toEqual({ node: 'inv0', field: 'level', message: 'level 3 is too high for a 16px image; set 1' });
      expect(events.find((e) => e.type === 'node:failed')).toMatchObject({ node: 'inv0', field: 'level' });
    });
  });

  it('refuses to hand a node a value of another kind than its input declares (a broken node upstream)', async () => {
    await withTempDir(async (dir) => {
      const liar: NodeType = {
        type: 'test/liar', title: 'Liar', category: 'test', description: '', version: 1,
        inputs: [{ name: 'image', type: 'IMAGE' }], outputs: [{ name: 'image', type: 'IMAGE' }], params: [],
        execute: async () => ({ image: { kind: 'metrics', file: 'x.json', summary: {} } }),
      };
      const builtin = createBuiltinRegistry();
      const { deps, assetId } = await setup(dir, new NodeRegistry([...builtin.list().map((s) => builtin.get(s.type)!), liar]));
      const doc = chain(assetId);
      doc.nodes.find((n) => n.id === 'inv0')!.type = 'test/liar';
      const result = await runWorkflow(doc, deps);
      expect(result.error).toMatchObject({ node: 'save', message: expect.stringMatching(/got metrics where IMAGE was declared/) });
    });
  });

  it('folds a node\'s fingerprint into its cache key: a changed fingerprint runs it and what depends on it again', async () => {
    await withTempDir(async (dir) => {
      let version = 'a';
      const stamped = defineNode({
        type: 'test/stamped', title: 'Stamped', category: 'test', description: '', version: 1,
        inputs: [{ name: 'image', type: 'IMAGE' }], outputs: [{ name: 'image', type: 'IMAGE' }], params: [],
        fingerprint: () => version,
        execute: async (ctx) => ({ image: ctx.inputs.image }),
      });
      const builtin = createBuiltinRegistry();
      const { deps, assetId } = await setup(dir, new NodeRegistry([...builtin.list().map((s) => builtin.get(s.type)!), stamped]));
      const doc = chain(assetId);
      doc.nodes.find((n) => n.id === 'inv0')!.type = 'test/stamped';
      await runWorkflow(doc, deps);
      expect((await runWorkflow(doc, deps)).nodes.save?.status).toBe('cached');
      version = 'b';
      const again = await runWorkflow(doc, deps);
      expect([again.nodes.load?.status, again.nodes.inv0?.status, again.nodes.save?.status]).toEqual(['cached', 'done', 'done']);
    });
  });

  it('isolates a failing node: the run fails with its message and nothing after it runs', async () => {
    await withTempDir(async (dir) => {
      const failing: NodeType = {
        type: 'test/fail', title: 'Fail', category: 'test', description: '', version: 1,
        inputs: [{ name: 'image', type: 'IMAGE' }], outputs: [{ name: 'image', type: 'IMAGE' }], params: [],
        execute: async () => { throw new Error('the lines are too faint; lower the threshold'); },
      };
      const registry = new NodeRegistry([...createBuiltinRegistry().list().map((s) => createBuiltinRegistry().get(s.type)!), failing]);
      const { deps, assetId } = await setup(dir, registry);
      const doc = chain(assetId);
      doc.nodes.find((n) => n.id === 'inv0')!.type = 'test/fail';
      const result = await runWorkflow(doc, deps);
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({ node: 'inv0', message: 'the lines are too faint; lower the threshold' });
      expect(result.nodes.save).toBeUndefined();
      // A failed node leaves no cache entry behind that a later run could mistake for a result.
      const retry = await runWorkflow(doc, deps);
      expect(retry.nodes.inv0?.status).toBe('failed');
    });
  });

  it('stops between nodes when cancelled', async () => {
    await withTempDir(async (dir) => {
      const { deps, assetId } = await setup(dir);
      const controller = new AbortController();
      const result = await runWorkflow(chain(assetId, 'out', 3), deps, { signal: controller.signal, onEvent: (e) => e.type === 'node:finished' && e.node === 'inv0' && controller.abort() });
      expect(result.status).toBe('cancelled');
      expect(Object.keys(result.nodes)).toEqual(['load', 'inv0']);
    });
  });

  it('refuses an invalid workflow with every problem', async () => {
    await withTempDir(async (dir) => {
      const { deps } = await setup(dir);
      const doc = workflow([node('load', 'image/load', { image: 'f'.repeat(64) }), node('save', 'image/save')], []);
      const run = runWorkflow(doc, deps);
      await expect(run).rejects.toBeInstanceOf(WorkflowInvalidError);
      await expect(run).rejects.toMatchObject({ problems: [expect.objectContaining({ code: 'unknown-asset' }), expect.objectContaining({ code: 'missing-input' })] });
    });
  });
});
