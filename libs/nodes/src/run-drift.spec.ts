import { describe, expect, it } from 'vitest';
import { exactRerunDocument, recordDrift, type ReproducibilityState } from './run-drift.js';
import { RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type RunRecord } from './run-record.js';

const H = (c: string) => c.repeat(64);

function record(): RunRecord {
  return {
    format: RUN_RECORD_FORMAT,
    formatVersion: RUN_RECORD_VERSION,
    createdAt: 'x',
    status: 'succeeded',
    workflowHash: H('a'),
    document: {
      format: 'lvcd-workflow',
      version: 1,
      // The colorize node leaves its seed to the default: the record holds the value it ran with.
      nodes: [
        { id: 'load', type: 'frames/load', params: { frames: H('1') }, position: { x: 0, y: 0 } },
        { id: 'colorize', type: 'lvcd/colorize', params: { steps: 2 }, position: { x: 0, y: 0 } },
      ],
      links: [],
      meta: {},
    } as unknown as RunRecord['document'],
    targets: [],
    nodes: {
      load: { type: 'frames/load', version: 1, status: 'done', params: { frames: H('1') } },
      models: { type: 'lvcd/model-bundle', version: 1, status: 'done', params: { bundle: 'lvcd' } },
      colorize: { type: 'lvcd/colorize', version: 2, status: 'done', params: { steps: 2, seed: 1234 } },
    },
    seeds: [{ node: 'colorize', param: 'seed', value: 1234 }],
    inputs: [{ node: 'load', param: 'frames', sha256: H('1') }],
    bundles: { models: { folder: 'lvcd', contentHash: H('c'), converter: 'c1', formatVersion: 1, precision: 'fp32', createdAt: 'x', models: {}, sources: {} } },
    runtimes: { colorize: { engine: 'onnxruntime-node', version: '1.29.0', provider: 'cpu', providers: {}, sessionOptions: {}, precision: 'fp32' } },
    onnxRuntime: '1.29.0',
    machine: { platform: 'linux', arch: 'x64', cpu: 'cpu', cores: 1, memoryBytes: 1, gpus: [], node: 'v22' },
  };
}

const now = (): ReproducibilityState => ({
  onnxRuntime: '1.29.0',
  bundles: { lvcd: { contentHash: H('c'), converter: 'c1', precision: 'fp32' } },
  nodeVersions: { 'frames/load': 1, 'lvcd/model-bundle': 1, 'lvcd/colorize': 2 },
});

describe('exactRerunDocument', () => {
  it('writes the recorded seed into a node that left it to the default, and leaves the record untouched', () => {
    const r = record();
    const { document, pinned } = exactRerunDocument(r);
    expect(pinned).toBe(true);
    expect(document.nodes.find((n) => n.id === 'colorize')!.params).toEqual({ steps: 2, seed: 1234 });
    expect(r.document.nodes[1]!.params).toEqual({ steps: 2 });
  });

  it('pins nothing when the document already names every seed and input', () => {
    const r = record();
    r.document.nodes[1]!.params['seed'] = 1234;
    expect(exactRerunDocument(r)).toEqual({ document: r.document, pinned: false });
  });
});

describe('recordDrift', () => {
  it('has no warning when models, runtime and node versions are as recorded', () => {
    expect(recordDrift(record(), now())).toEqual([]);
  });

  it('warns of changed model files, a missing bundle, another ONNX Runtime and a new node version', () => {
    const changed = now();
    changed.bundles['lvcd'] = { contentHash: H('d'), converter: 'c1', precision: 'fp16' };
    changed.onnxRuntime = '1.30.0';
    changed.nodeVersions['lvcd/colorize'] = 3;
    expect(recordDrift(record(), changed)).toEqual([
      'The model files of bundle "lvcd" (#models) changed since this run (fp32 then, fp16 now): a rerun uses the new ones.',
      'ONNX Runtime is 1.30.0 now; this run used 1.29.0.',
      'Node #colorize (lvcd/colorize) is version 3 now; this run used version 2, which may have given other outputs.',
    ]);
    const gone = now();
    gone.bundles = {};
    expect(recordDrift(record(), gone)).toEqual(['The model bundle "lvcd" (#models) is no longer in the models folder.']);
  });
});
