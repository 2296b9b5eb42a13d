// Test-only: run records as the executor writes them (libs/nodes run-record.ts), for a clip → LVCD Colorize → Save
// Frames run, and the fetch answers the run detail and compare view read them from.
import { RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type ReproducibilityState, type RunDetail, type RunRecord } from '@lvcd/nodes';

const H = (c: string) => c.repeat(64);

export function lvcdRecord(): RunRecord {
  const document = {
    format: 'lvcd-workflow',
    version: 1,
    nodes: [
      { id: 'load', type: 'frames/load', params: { frames: H('1') }, position: { x: 0, y: 0 } },
      { id: 'models', type: 'lvcd/model-bundle', params: { bundle: 'lvcd' }, position: { x: 0, y: 0 } },
      { id: 'colorize', type: 'lvcd/colorize', params: { steps: 25 }, position: { x: 0, y: 0 } },
      { id: 'save', type: 'output/save-frames', params: { name: 'out' }, position: { x: 0, y: 0 } },
    ],
    links: [{ from: { node: 'colorize', output: 'frames' }, to: { node: 'save', input: 'frames' } }],
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
      colorize: { type: 'lvcd/colorize', version: 2, status: 'done', params: { seed: 1234, steps: 25 } },
      save: { type: 'output/save-frames', version: 1, status: 'done', params: { name: 'out' } },
    },
    seeds: [{ node: 'colorize', param: 'seed', value: 1234 }],
    inputs: [{ node: 'load', param: 'frames', sha256: H('1'), name: 'clip.zip', size: 100 }],
    bundles: { models: { folder: 'lvcd', contentHash: H('c'), converter: 'lvcd-studio 0.1.0', formatVersion: 1, precision: 'fp32', createdAt: 'x', models: { denoiser: { sha256: H('d'), dataSha256: H('e') } }, sources: {} } },
    runtimes: { colorize: { engine: 'onnxruntime-node', version: '1.29.0', provider: 'cpu', providers: { denoiser: 'cpu' }, sessionOptions: { executionProviders: ['cpu'] }, precision: 'fp32' } },
    onnxRuntime: '1.29.0',
    machine: { platform: 'linux', arch: 'x64', cpu: 'Intel Xeon', cores: 2, memoryBytes: 1, gpus: [], node: 'v22' },
  };
}

/** What the server says it runs with now, matching `lvcdRecord()`. */
export function currentState(): ReproducibilityState {
  return { onnxRuntime: '1.29.0', bundles: { lvcd: { contentHash: H('c'), converter: 'lvcd-studio 0.1.0', precision: 'fp32' } }, nodeVersions: { 'frames/load': 1, 'lvcd/model-bundle': 1, 'lvcd/colorize': 2, 'output/save-frames': 1 } };
}

/** A finished run whose last artefact is its record. */
export function runWithRecord(id: string, recordArtifact: string, record: RunRecord): RunDetail {
  return {
    id,
    status: 'succeeded',
    createdAt: '2026-12-02T03:00:00.000Z',
    document: record.document,
    nodes: {},
    artifacts: [
      { id: `${recordArtifact}-zip`, node: 'save', name: 'out.zip', mime: 'application/zip', kind: 'frames', size: 10 },
      { id: recordArtifact, node: '', name: 'run.json', mime: 'application/json', kind: 'json', size: 10 },
    ],
  };
}

/** A fetch answering GET of the given paths with JSON, recording every call; anything else is a 404. */
export function routedFetch(routes: Record<string, unknown>, calls: { method: string; path: string; body?: unknown }[] = []) {
  return async (input: string | URL | Request, init?: RequestInit) => {
    const path = String(input);
    const method = init?.method ?? 'GET';
    calls.push({ method, path, ...(init?.body ? { body: JSON.parse(String(init.body)) as unknown } : {}) });
    const key = `${method} ${path}`;
    if (!(key in routes)) return new Response(JSON.stringify({ statusCode: 404, message: `no ${key}` }), { status: 404 });
    return new Response(JSON.stringify(routes[key]), { status: method === 'POST' ? 202 : 200, headers: { 'content-type': 'application/json' } });
  };
}
