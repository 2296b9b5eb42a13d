import { convertTinyBundle } from '@lvcd/models/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRun } from '../plan.js';
import { resolveParams } from '../params.js';
import { AssetStore } from '../runtime/asset-store.js';
import type { ExecutorDeps } from '../runtime/executor.js';
import { OutputCache } from '../runtime/output-cache.js';
import { adoptDemoClip, link, node, runWorkflow, workflow } from '../testing/fixtures.js';
import type { WorkflowDocument } from '../workflow.js';
import { estimateDocument } from './estimate-document.js';
import { createBuiltinRegistry } from './index.js';

let dir: string;
let deps: ExecutorDeps;
let clipAsset: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvcd-estimate-doc-'));
  await convertTinyBundle(join(dir, 'models', 'tiny'), { frame: { width: 128, height: 64 } });
  const assets = new AssetStore(join(dir, 'assets'));
  await assets.init();
  // 200x100 frames: the resize below changes both the size and, through select, the length the estimate sees.
  const clip = await adoptDemoClip(assets, dir, { frames: 30, width: 200, height: 100, seed: 5 });
  clipAsset = clip.id;
  deps = { registry: createBuiltinRegistry(), cache: new OutputCache(join(dir, 'cache'), 1e9), assets, modelsDir: join(dir, 'models') };
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function lvcdDocument(bundle = 'tiny'): WorkflowDocument {
  return workflow(
    [
      node('load', 'frames/load', { frames: clipAsset, fps: 8 }),
      node('select', 'frames/select', { start: 2, end: 0, stride: 1 }),
      node('resize', 'frames/resize', { width: 128, height: 64 }),
      node('models', 'lvcd/model-bundle', { bundle, provider: 'cpu' }),
      node('reference', 'frames/get-frame', { index: 0 }),
      node('lineart', 'lineart/extract'),
      node('colorize', 'lvcd/colorize', { steps: 3 }),
      node('save', 'output/save-frames', { name: 'out' }),
    ],
    [
      link('load', 'frames', 'select', 'frames'),
      link('select', 'frames', 'resize', 'frames'),
      link('resize', 'frames', 'reference', 'frames'),
      link('resize', 'frames', 'lineart', 'frames'),
      link('models', 'models', 'colorize', 'models'),
      link('reference', 'image', 'colorize', 'reference'),
      link('lineart', 'sketches', 'colorize', 'sketches'),
      link('colorize', 'frames', 'save', 'frames'),
    ],
  );
}

const planOf = (doc: WorkflowDocument) => planRun(doc, deps.registry, { assetExists: (id) => deps.assets.exists(id) }).plan!;

describe('estimateDocument', () => {
  it("gives an LVCD node the estimate it gives once its inputs exist, from the clip's file and the params between", async () => {
    const doc = lvcdDocument();
    const before = await estimateDocument(planOf(doc), deps, new AbortController().signal);
    expect(before).toHaveLength(1);
    const answer = before[0]!;
    if (!('estimate' in answer)) throw new Error(`no estimate: ${answer.unknown}`);
    expect(answer.node).toBe('colorize');
    expect(answer.estimate.details[0]).toBe('3 windows for 28 frames at 128x64, 3 steps, on the CPU');
    expect(answer.estimate.peakBytes).toBeGreaterThan(0);
    expect(answer.estimate.seconds).toBeGreaterThan(0);

    // What `lvcd plan` computes from the made sketches (the feeders run): the same figures.
    const fed = await runWorkflow(doc, deps, { targets: ['models', 'lineart'] });
    const type = deps.registry.get('lvcd/colorize')!;
    const colorize = doc.nodes.find((n) => n.id === 'colorize')!;
    const made = await type.estimate!({
      params: resolveParams(type.params, colorize.params),
      inputs: { models: fed.outputs['models']!['models'], sketches: fed.outputs['lineart']!['sketches'] },
      modelsDir: deps.modelsDir,
    });
    // The memory free on the machine moves between the two asks; everything else is the same arithmetic.
    const withoutFree = (details: string[]) => details.map((d) => d.replace(/; [\d.]+ GB free$/, ''));
    expect(withoutFree(made.details)).toEqual(withoutFree(answer.estimate.details));
    expect([made.peakBytes, made.seconds]).toEqual([answer.estimate.peakBytes, answer.estimate.seconds]);
  });

  it('sees through a bypassed node, and says why there is none when the bundle is not there', async () => {
    const doc = lvcdDocument();
    doc.nodes.find((n) => n.id === 'lineart')!.bypass = true;
    const [through] = await estimateDocument(planOf(doc), deps, new AbortController().signal);
    expect(through).toMatchObject({ node: 'colorize', estimate: { details: expect.arrayContaining(['3 windows for 28 frames at 128x64, 3 steps, on the CPU']) } });

    const missing = await estimateDocument(planOf(lvcdDocument('nope')), deps, new AbortController().signal);
    expect(missing).toEqual([{ node: 'colorize', unknown: expect.stringMatching(/nope/) }]);
  });
});
