import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../catalogue/index.js';
import { parseRunRecord, RUN_RECORD_NODE, type RunRecord } from '../run-record.js';
import { gradientPng, link, node, runWorkflow, withTempDir, workflow } from '../testing/fixtures.js';
import { AssetStore } from './asset-store.js';
import type { ExecutionEvent } from './events.js';
import type { ExecutorDeps } from './executor.js';
import { parseNvidiaSmi } from './machine-facts.js';
import { OutputCache } from './output-cache.js';

const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

/** Sorted-key JSON written independently of the library's canonicalJson. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
}

function hasNvidiaSmi(): boolean {
  try {
    execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function setup(dir: string) {
  const assets = new AssetStore(join(dir, 'assets'));
  await assets.init();
  const png = await gradientPng();
  const asset = await assets.put(png, 'gradient.png');
  const deps: ExecutorDeps = { registry: createBuiltinRegistry(), cache: new OutputCache(join(dir, 'cache'), 1e9), assets, modelsDir: join(dir, 'models') };
  const doc = workflow(
    [node('load', 'image/load', { image: asset.id }), node('inv', 'image/invert'), node('save', 'image/save', { name: 'out' })],
    [link('load', 'image', 'inv', 'image'), link('inv', 'image', 'save', 'image')],
  );
  return { deps, doc, png, assetId: asset.id, assets };
}

async function recordOf(result: { artifacts: { node: string; artifact: { file: string; name: string } }[] }): Promise<RunRecord> {
  const last = result.artifacts.at(-1)!;
  expect(last.node).toBe(RUN_RECORD_NODE);
  expect(last.artifact.name).toBe('run.json');
  return parseRunRecord(JSON.parse(await readFile(last.artifact.file, 'utf8')));
}

describe('the run record (run.json) the executor writes for every run', () => {
  it('names the workflow, its input assets, node versions, params, the ONNX Runtime and the machine', async () => {
    await withTempDir(async (dir) => {
      const { deps, doc, png, assetId } = await setup(dir);
      const events: ExecutionEvent[] = [];
      const result = await runWorkflow(doc, deps, { onEvent: (e) => events.push(e) });
      expect(result.status).toBe('succeeded');
      const record = await recordOf(result);
      expect(result.record).toEqual(record);
      expect(events.at(-1)).toMatchObject({ type: 'artifact', node: RUN_RECORD_NODE, artifact: { name: 'run.json' } });

      expect(record.status).toBe('succeeded');
      expect(record.workflowHash).toBe(createHash('sha256').update(sortedJson(record.document)).digest('hex'));
      expect(record.inputs).toEqual([{ node: 'load', param: 'image', sha256: createHash('sha256').update(png).digest('hex'), name: 'gradient.png', size: png.length }]);
      expect(record.inputs[0]!.sha256).toBe(assetId);
      for (const id of ['load', 'inv', 'save']) {
        const type = deps.registry.get(record.nodes[id]!.type)!;
        expect(record.nodes[id]).toMatchObject({ version: type.version, status: 'done' });
      }
      expect(record.nodes['save']!.params).toEqual({ name: 'out' });
      expect(record.seeds).toEqual([]);
      expect(record.bundles).toEqual({});
      expect(record.onnxRuntime).toBe(ortVersion);
      expect(record.machine).toMatchObject({ cpu: cpus()[0]!.model.trim(), cores: cpus().length, platform: process.platform, node: process.version });
      expect(record.machine.gpus.length > 0).toBe(hasNvidiaSmi());
    });
  });

  it('is written again for a cached rerun (same workflow hash, nodes cached) and for a failed run', async () => {
    await withTempDir(async (dir) => {
      const { deps, doc, png, assets } = await setup(dir);
      const first = await recordOf(await runWorkflow(doc, deps));
      const second = await recordOf(await runWorkflow(doc, deps));
      expect(second.workflowHash).toBe(first.workflowHash);
      expect(Object.values(second.nodes).map((n) => n.status)).toEqual(['cached', 'cached', 'cached']);
      expect(second.inputs).toEqual(first.inputs);

      const broken = structuredClone(doc);
      // A truncated PNG passes the upload sniffing but fails Load Image at run time.
      const bogus = await assets.put(png.subarray(0, 40), 'broken.png');
      broken.nodes[0]!.params['image'] = bogus.id;
      const failedResult = await runWorkflow(broken, deps).catch((e: Error) => e);
      if (failedResult instanceof Error) throw failedResult;
      expect(failedResult.status).toBe('failed');
      const failed = await recordOf(failedResult);
      expect(failed.status).toBe('failed');
      expect(failed.nodes['load']!.status).toBe('failed');
      expect(failed.nodes['save']!.status).toBe('not reached');
      expect(failed.inputs).toEqual([]);
      expect(failed.workflowHash).not.toBe(first.workflowHash);
    });
  });

  it('reads GPUs from nvidia-smi CSV', () => {
    expect(parseNvidiaSmi('NVIDIA H200, 570.86.15, 143771\nNVIDIA A10, 535.1, 23028\n')).toEqual([
      { name: 'NVIDIA H200', driver: '570.86.15', memoryMiB: 143771 },
      { name: 'NVIDIA A10', driver: '535.1', memoryMiB: 23028 },
    ]);
    expect(parseNvidiaSmi('')).toEqual([]);
  });
});
