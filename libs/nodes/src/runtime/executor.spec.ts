import { decodeRgb } from '@lvcd/media';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../catalogue/index.js';
import { WorkflowInvalidError } from '../problems.js';
import { gradientPng, link, node, withTempDir, workflow } from '../testing/fixtures.js';
import { AssetStore } from './asset-store.js';
import type { ExecutionEvent } from './events.js';
import { executeWorkflow, type ExecutorDeps } from './executor.js';
import { NodeRegistry } from './registry.js';
import { OutputCache } from './output-cache.js';
import type { NodeType } from './node-type.js';

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
      const result = await executeWorkflow({ document: chain(assetId), signal: new AbortController().signal, onEvent: (e) => events.push(e) }, deps);
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
      await executeWorkflow({ document: chain(assetId, 'first'), signal }, deps);
      const second = await executeWorkflow({ document: chain(assetId, 'second'), signal }, deps);
      expect(Object.fromEntries(Object.entries(second.nodes).map(([id, o]) => [id, o.status]))).toEqual({ load: 'cached', inv0: 'cached', save: 'done' });
      expect(second.artifacts[0]!.artifact.name).toBe('second.png');
      const third = await executeWorkflow({ document: chain(assetId, 'second'), signal }, deps);
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
      const result = await executeWorkflow({ document: doc, targets: ['other'], signal: new AbortController().signal }, deps);
      expect(Object.keys(result.nodes)).toEqual(['load', 'other']);
    });
  });

  it('passes a bypassed node through', async () => {
    await withTempDir(async (dir) => {
      const { deps, assetId } = await setup(dir);
      const doc = chain(assetId, 'out', 2);
      doc.nodes.find((n) => n.id === 'inv1')!.bypass = true;
      const result = await executeWorkflow({ document: doc, signal: new AbortController().signal }, deps);
      const original = await decodeRgb(await gradientPng());
      const saved = await decodeRgb(result.artifacts[0]!.artifact.file);
      expect(saved.data.every((v, i) => v === 255 - original.data[i]!)).toBe(true);
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
      const result = await executeWorkflow({ document: doc, signal: new AbortController().signal }, deps);
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({ node: 'inv0', message: 'the lines are too faint; lower the threshold' });
      expect(result.nodes.save).toBeUndefined();
      // A failed node leaves no cache entry behind that a later run could mistake for a result.
      const retry = await executeWorkflow({ document: doc, signal: new AbortController().signal }, deps);
      expect(retry.nodes.inv0?.status).toBe('failed');
    });
  });

  it('stops between nodes when cancelled', async () => {
    await withTempDir(async (dir) => {
      const { deps, assetId } = await setup(dir);
      const controller = new AbortController();
      const result = await executeWorkflow(
        { document: chain(assetId, 'out', 3), signal: controller.signal, onEvent: (e) => e.type === 'node:finished' && e.node === 'inv0' && controller.abort() },
        deps,
      );
      expect(result.status).toBe('cancelled');
      expect(Object.keys(result.nodes)).toEqual(['load', 'inv0']);
    });
  });

  it('refuses an invalid workflow with every problem', async () => {
    await withTempDir(async (dir) => {
      const { deps } = await setup(dir);
      const doc = workflow([node('load', 'image/load', { image: 'f'.repeat(64) }), node('save', 'image/save')], []);
      const run = executeWorkflow({ document: doc, signal: new AbortController().signal }, deps);
      await expect(run).rejects.toBeInstanceOf(WorkflowInvalidError);
      await expect(run).rejects.toMatchObject({ problems: [expect.objectContaining({ code: 'unknown-asset' }), expect.objectContaining({ code: 'missing-input' })] });
    });
  });
});
