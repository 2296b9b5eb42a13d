import { describe, expect, it } from 'vitest';
import { explainRunDifference, outputVerdict } from './run-difference.js';
import { RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type RecordedRuntime, type RunRecord } from './run-record.js';

const H = (c: string) => c.repeat(64);

const runtime = (over: Partial<RecordedRuntime> = {}): RecordedRuntime => ({
  engine: 'onnxruntime-node',
  version: '1.29.0',
  provider: 'cpu',
  providers: { denoiser: 'cpu', vae_decoder: 'cpu' },
  sessionOptions: { logSeverityLevel: 4, graphOptimizationLevel: 'all', executionProviders: ['cpu'] },
  precision: 'fp32',
  ...over,
});

/** A record as the executor writes it for clip → LVCD Colorize → Save Frames. */
function record(): RunRecord {
  const document = {
    format: 'lvcd-workflow',
    version: 1,
    nodes: [],
    links: [
      { from: { node: 'load', output: 'frames' }, to: { node: 'colorize', input: 'sketches' } },
      { from: { node: 'colorize', output: 'frames' }, to: { node: 'save', input: 'frames' } },
    ],
    meta: {},
  } as unknown as RunRecord['document'];
  return {
    format: RUN_RECORD_FORMAT,
    formatVersion: RUN_RECORD_VERSION,
    createdAt: '2026-12-02T03:00:00.000Z',
    status: 'succeeded',
    workflowHash: H('a'),
    document,
    targets: ['save'],
    nodes: {
      load: { type: 'frames/load', version: 1, status: 'done', params: { frames: H('1'), fps: 8 } },
      models: { type: 'lvcd/model-bundle', version: 1, status: 'done', params: { bundle: 'lvcd', provider: 'auto' } },
      colorize: { type: 'lvcd/colorize', version: 2, status: 'done', params: { seed: 1234, steps: 25, condAug: 0 } },
      save: { type: 'output/save-frames', version: 1, status: 'done', params: { name: 'out' } },
    },
    seeds: [{ node: 'colorize', param: 'seed', value: 1234 }],
    inputs: [{ node: 'load', param: 'frames', sha256: H('1'), name: 'clip.zip', size: 100 }],
    bundles: {
      models: { folder: 'lvcd', contentHash: H('c'), converter: 'lvcd-studio 0.1.0', formatVersion: 1, precision: 'fp32', createdAt: 'x', models: { denoiser: { sha256: H('d'), dataSha256: H('e') }, vae_decoder: { sha256: H('f'), dataSha256: H('0') } }, sources: {} },
    },
    runtimes: { colorize: runtime() },
    onnxRuntime: '1.29.0',
    machine: { platform: 'linux', arch: 'x64', cpu: 'Intel Xeon', cores: 2, memoryBytes: 1, gpus: [], node: 'v22' },
  };
}

const kinds = (a: RunRecord, b: RunRecord) => explainRunDifference(a, b).reasons.map((r) => `${r.kind}:${r.node}:${r.what ?? ''}`);

describe('explainRunDifference', () => {
  it('says nothing differs for equal records, and expects the same output', () => {
    const d = explainRunDifference(record(), record());
    expect(d.reasons).toEqual([]);
    expect(d.sameOutputExpected).toBe(true);
    expect(d.summary).toMatch(/^Nothing differs/);
  });

  it('names a changed param with both values, a seed as a seed and an asset as another input', () => {
    const b = record();
    b.nodes['colorize']!.params['steps'] = 10;
    b.nodes['colorize']!.params['seed'] = 99;
    b.seeds = [{ node: 'colorize', param: 'seed', value: 99 }];
    b.nodes['load']!.params['frames'] = H('2');
    b.inputs = [{ node: 'load', param: 'frames', sha256: H('2'), name: 'other.zip', size: 5 }];
    const d = explainRunDifference(record(), b);
    expect(kinds(record(), b)).toEqual(['input:load:frames', 'seed:colorize:seed', 'param:colorize:steps']);
    expect(d.reasons.map((r) => r.text)).toEqual([
      `Another input: #load frames is clip.zip (111111111111…) in A and other.zip (222222222222…) in B.`,
      'Another seed: #colorize seed is 1234 in A and 99 in B, so the noise differs.',
      'A param changed: #colorize steps is 25 in A and 10 in B.',
    ]);
    expect(d.sameOutputExpected).toBe(false);
    expect(d.summary).toBe('3 differences that change the output.');
  });

  it('names other model files (which ones), another precision and another provider', () => {
    const b = record();
    const bundle = b.bundles['models']!;
    b.bundles['models'] = { ...bundle, contentHash: H('9'), precision: 'fp16', models: { ...bundle.models, denoiser: { sha256: H('7'), dataSha256: H('8') } } };
    b.runtimes['colorize'] = runtime({ provider: 'cuda', providers: { denoiser: 'cuda', vae_decoder: 'cuda' }, sessionOptions: { executionProviders: ['cuda'] } });
    expect(kinds(record(), b)).toEqual(['models:models:denoiser', 'precision:models:weights', 'provider:colorize:provider']);
    const texts = explainRunDifference(record(), b).reasons.map((r) => r.text);
    expect(texts[0]).toBe('Other model files: #models loads bundle "lvcd"; its denoiser files differ.');
    expect(texts[1]).toBe('Another precision: the bundle of #models stores fp32 weights in A and fp16 in B.');
    expect(texts[2]).toBe('Another provider: #colorize ran on cpu in A and cuda in B.');
  });

  it('names a node version, another ONNX Runtime, a bypass and a rewired link', () => {
    const b = record();
    b.nodes['colorize']!.version = 3;
    b.runtimes['colorize'] = runtime({ version: '1.30.0' });
    b.nodes['save']!.status = 'bypassed';
    b.document = { ...b.document, links: [b.document.links[1]!] };
    expect(kinds(record(), b)).toEqual(['node:save:bypass', 'link::load.frames → colorize.sketches', 'node-version:colorize:version', 'runtime:colorize:version']);
  });

  it('counts another machine alone as the same expected output, up to rounding', () => {
    const b = record();
    b.machine = { ...b.machine, cpu: 'AMD EPYC', gpus: [{ name: 'NVIDIA H200', driver: '570.86' }] };
    const d = explainRunDifference(record(), b);
    expect(d.reasons.map((r) => r.text)).toEqual(['Another CPU: Intel Xeon in A, AMD EPYC in B.', 'Another GPU: no GPU in A, NVIDIA H200 (driver 570.86) in B.']);
    expect(d.sameOutputExpected).toBe(true);
    expect(d.summary).toMatch(/up to float rounding/);
  });
});

describe('outputVerdict', () => {
  const same = explainRunDifference(record(), record());
  const changed = (() => {
    const b = record();
    b.nodes['colorize']!.params['steps'] = 10;
    return explainRunDifference(record(), b);
  })();

  it('confirms the expected equal output, or says the run was not deterministic', () => {
    expect(outputVerdict(same, { psnr: [60, 60, 60], capDb: 60 })).toEqual({ same: true, text: "The outputs match as expected: all 3 frames at 60 dB PSNR (the measure's cap)." });
    const v = outputVerdict(same, { psnr: [60, 41.234, 60], capDb: 60 });
    expect(v.same).toBe(false);
    expect(v.text).toMatch(/^The outputs differ although nothing in the records does: frame 1 is at 41.23 dB/);
  });

  it('says whether outputs of differing runs differ', () => {
    expect(outputVerdict(changed, { psnr: [35.5, 30.25], capDb: 60 }).text).toBe('The outputs differ (lowest PSNR 30.25 dB at frame 1), as the differences above explain.');
    expect(outputVerdict(changed, { psnr: [60], capDb: 60 }).same).toBe(true);
  });
});
