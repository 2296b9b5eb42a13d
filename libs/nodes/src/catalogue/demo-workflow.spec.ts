import { generateDemoClip, readMp4Comment } from '@lvcd/media';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetStore } from '../runtime/asset-store.js';
import type { ExecutorDeps } from '../runtime/executor.js';
import { OutputCache } from '../runtime/output-cache.js';
import type { MetricsValue } from '../runtime/values.js';
import { runWorkflow } from '../testing/fixtures.js';
import { validateWorkflow } from '../validate.js';
import { demoWorkflow } from './demo-workflow.js';
import { createBuiltinRegistry } from './index.js';

let dir: string;
let deps: ExecutorDeps;
let zipId: string;
let videoId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvcd-demo-run-'));
  const clip = await generateDemoClip(join(dir, 'clip'), { frames: 8, width: 576, height: 320, seed: 11, video: true });
  const assets = new AssetStore(join(dir, 'assets'));
  await assets.init();
  zipId = (await assets.put(await readFile(clip.zip), 'demo.zip')).id;
  videoId = (await assets.put(await readFile(clip.video!), 'demo.mp4')).id;
  deps = { registry: createBuiltinRegistry(), cache: new OutputCache(join(dir, 'cache'), 1e10), assets, modelsDir: join(dir, 'models') };
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('the demo workflow', () => {
  it('is valid against the catalogue', () => {
    const registry = createBuiltinRegistry();
    expect(validateWorkflow(demoWorkflow({ frames: zipId }), { specs: registry.specs }).problems).toEqual([]);
    expect(validateWorkflow(demoWorkflow({ video: videoId }), { specs: registry.specs }).problems).toEqual([]);
  });

  it('runs end to end from the zip: colours, measures and saves an mp4 that carries the workflow', async () => {
    const document = demoWorkflow({ frames: zipId });
    const frames: number[] = [];
    const result = await runWorkflow(document, deps, { onEvent: (e) => e.type === 'frame' && frames.push(e.index) });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('succeeded');
    expect(frames.length).toBeGreaterThan(0);
    const metrics = result.artifacts.find((a) => a.artifact.name === 'metrics.json')!.artifact;
    const table = JSON.parse(await readFile(metrics.file, 'utf8')) as { summary: MetricsValue['summary']; frames: unknown[] };
    expect(table.frames).toHaveLength(8);
    expect(table.summary.meanPsnr).toBeGreaterThan(20);
    const video = result.artifacts.find((a) => a.artifact.mime === 'video/mp4')!.artifact;
    expect(JSON.parse(readMp4Comment(new Uint8Array(await readFile(video.file)))!)).toEqual(validateWorkflow(document, { specs: deps.registry.specs }).document);

    const again = await runWorkflow(document, deps);
    expect(Object.values(again.nodes).every((n) => n.status === 'cached')).toBe(true);
  });

  it('runs from the mp4 through Load Video', async () => {
    const result = await runWorkflow(demoWorkflow({ video: videoId }), deps);
    expect(result.error).toBeUndefined();
    const metrics = result.artifacts.find((a) => a.artifact.name === 'metrics.json')!.artifact;
    expect((metrics.meta as { frames: number }).frames).toBe(8);
  });
});
