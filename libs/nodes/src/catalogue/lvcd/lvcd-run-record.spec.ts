import { BUNDLE_FORMAT_VERSION } from '@lvcd/models';
import { convertTinyBundle, lvcdTinyFixturesDir } from '@lvcd/models/testing';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunRecord, type RunRecord } from '../../run-record.js';
import { adoptDemoClip, link, node, runWorkflow, workflow } from '../../testing/fixtures.js';
import { AssetStore } from '../../runtime/asset-store.js';
import type { ExecutorDeps } from '../../runtime/executor.js';
import { OutputCache } from '../../runtime/output-cache.js';
import { createBuiltinRegistry } from '../index.js';

const fixtures = lvcdTinyFixturesDir();
const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
let dir: string;
let deps: ExecutorDeps;
let clipAsset: string;
let clipBytes: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvcd-run-record-'));
  await convertTinyBundle(join(dir, 'models', 'tiny'), { frame: { width: 128, height: 64 } });
  const assets = new AssetStore(join(dir, 'assets'));
  await assets.init();
  const clip = await adoptDemoClip(assets, dir, { frames: 14, width: 128, height: 64, seed: 5 });
  clipAsset = clip.id;
  clipBytes = await readFile(clip.zip);
  deps = { registry: createBuiltinRegistry(), cache: new OutputCache(join(dir, 'cache'), 1e9), assets, modelsDir: join(dir, 'models') };
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Clip, frame 0 as reference, classical lineart, LVCD Colorize (or Sample then Decode) with a given seed, Save Frames. */
function colorizeWorkflow(seed: number, split = false) {
  const doc = workflow(
    [
      node('load', 'frames/load', { frames: clipAsset, fps: 8 }),
      node('models', 'lvcd/model-bundle', { bundle: 'tiny', provider: 'cpu' }),
      node('reference', 'frames/get-frame', { index: 0 }),
      node('lineart', 'lineart/extract'),
      node('colorize', 'lvcd/colorize', { steps: 1, prevAttnSteps: 1, seed }),
      node('save', 'output/save-frames', { name: 'out' }),
    ],
    [
      link('load', 'frames', 'reference', 'frames'),
      link('load', 'frames', 'lineart', 'frames'),
      link('models', 'models', 'colorize', 'models'),
      link('reference', 'image', 'colorize', 'reference'),
      link('lineart', 'sketches', 'colorize', 'sketches'),
      link('colorize', 'frames', 'save', 'frames'),
    ],
  );
  if (!split) return doc;
  doc.nodes = doc.nodes.filter((n) => n.id !== 'colorize');
  doc.nodes.push(node('sample', 'lvcd/sample', { steps: 1, prevAttnSteps: 1, seed }), node('decode', 'lvcd/decode'));
  doc.links = [
    ...doc.links.filter((l) => l.from.node !== 'colorize' && l.to.node !== 'colorize'),
    link('models', 'models', 'sample', 'models'),
    link('reference', 'image', 'sample', 'reference'),
    link('lineart', 'sketches', 'sample', 'sketches'),
    link('sample', 'latents', 'decode', 'latents'),
    link('decode', 'frames', 'save', 'frames'),
  ];
  return doc;
}

async function runRecord(seed: number, split = false): Promise<RunRecord> {
  const result = await runWorkflow(colorizeWorkflow(seed, split), deps);
  expect(result.status, result.error?.message).toBe('succeeded');
  return parseRunRecord(JSON.parse(await readFile(result.artifacts.at(-1)!.artifact.file, 'utf8')));
}

const fileSha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

describe('the run record of an LVCD run (tiny bundle, CPU)', () => {
  it('records the seed, the bundle files by their real hashes, the converter, ORT and where each model ran; a cached rerun says the same', async () => {
    const record = await runRecord(77);
    expect(record.seeds).toEqual([{ node: 'colorize', param: 'seed', value: 77 }]);
    expect(record.inputs).toEqual([{ node: 'load', param: 'frames', sha256: createHash('sha256').update(clipBytes).digest('hex'), name: 'clip.zip', size: clipBytes.length }]);

    const manifest = JSON.parse(await readFile(join(dir, 'models', 'tiny', 'manifest.json'), 'utf8')) as { converter: string; models: Record<string, { file: string; dataFile: string }> };
    const bundle = record.bundles['models']!;
    expect(bundle).toMatchObject({ folder: 'tiny', converter: manifest.converter, precision: 'fp32', formatVersion: BUNDLE_FORMAT_VERSION });
    expect(Object.keys(bundle.models).sort()).toEqual(Object.keys(manifest.models).sort());
    for (const [id, files] of Object.entries(manifest.models)) {
      const bundleDir = join(dir, 'models', 'tiny');
      expect(bundle.models[id]).toEqual({ sha256: await fileSha(join(bundleDir, files.file)), dataSha256: await fileSha(join(bundleDir, files.dataFile)) });
    }
    expect(bundle.sources['svd']!.sha256).toBe(await fileSha(join(fixtures, 'svd-tiny.safetensors')));
    expect(bundle.contentHash).toMatch(/^[0-9a-f]{64}$/);

    expect(record.runtimes['colorize']).toEqual({
      engine: 'onnxruntime-node',
      version: ortVersion,
      provider: 'cpu',
      providers: { clip_visual: 'cpu', cond_encoder: 'cpu', vae_encoder: 'cpu', hint_encoder: 'cpu', denoiser: 'cpu', vae_decoder: 'cpu' },
      sessionOptions: { logSeverityLevel: 4, graphOptimizationLevel: 'all', executionProviders: ['cpu'] },
      precision: 'fp32',
    });
    expect(record.nodes['colorize']).toMatchObject({ type: 'lvcd/colorize', version: deps.registry.get('lvcd/colorize')!.version, params: { seed: 77, steps: 1, condAug: 0, pad: true } });

    const again = await runRecord(77);
    expect(again.nodes['colorize']!.status).toBe('cached');
    expect(again.runtimes).toEqual(record.runtimes);
    expect(again.bundles).toEqual(record.bundles);
    expect(again.seeds).toEqual(record.seeds);

    const other = await runRecord(78);
    expect(other.seeds).toEqual([{ node: 'colorize', param: 'seed', value: 78 }]);
    expect(other.workflowHash).not.toBe(record.workflowHash);
  }, 240_000);

  it('records where LVCD Sample and LVCD Decode each ran, and only the sampler seed', async () => {
    const record = await runRecord(5, true);
    expect(record.seeds).toEqual([{ node: 'sample', param: 'seed', value: 5 }]);
    expect(Object.keys(record.runtimes).sort()).toEqual(['decode', 'sample']);
    expect(record.runtimes['decode']).toMatchObject({ version: ortVersion, provider: 'cpu', precision: 'fp32', sessionOptions: { executionProviders: ['cpu'] } });
  }, 240_000);
});
