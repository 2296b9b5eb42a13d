// @vitest-environment node
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyWorkflow, type NodeSpec, type WorkflowDocument } from '@lvcd/nodes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from '../api/client';
import { createBatch, queuedText } from './batch-store';

const sampler: NodeSpec = {
  type: 'test/sample', title: 'Sample', category: 'test', description: '', version: 1, inputs: [], outputs: [],
  params: [
    { name: 'steps', schema: { kind: 'integer', default: 25, min: 1, max: 100 } },
    { name: 'seed', schema: { kind: 'seed', default: 1234 } },
  ],
};
const plain: NodeSpec = { ...sampler, type: 'test/plain', params: [{ name: 'count', schema: { kind: 'integer', default: 8, min: 1, max: 64 } }] };
const specs = new Map([sampler, plain].map((s) => [s.type, s]));

function doc(nodes: { id: string; type: string; params?: Record<string, number>; bypass?: boolean }[]): WorkflowDocument {
  return { ...emptyWorkflow(), nodes: nodes.map((n) => ({ params: {}, position: { x: 0, y: 0 }, ...n })) };
}

/** A real HTTP server taking POST /api/runs as the studio does: a batch answers its ids, a bad one a 400. */
let server: Server;
let posted: { document: WorkflowDocument; batch?: unknown }[] = [];
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as { document: WorkflowDocument; batch?: { count: number } };
      posted.push(body);
      res.writeHead(body.batch && body.batch.count > 50 ? 429 : 202, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body.batch && body.batch.count > 50 ? { message: 'a batch of 60 runs passes the limit' } : { ids: Array.from({ length: body.batch?.count ?? 1 }, (_, i) => `run-${i}`), status: 'queued' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The runs store's part the batch uses, recording what it was asked. */
function recordingRuns() {
  const calls: string[] = [];
  return {
    calls,
    runs: {
      queueRun: async () => (calls.push('queueRun'), { ok: true as const, id: 'single' }),
      activate: (id: string, status: unknown) => void calls.push(`activate ${id} ${String(status)}`),
      refresh: async () => void calls.push('refresh'),
    },
  };
}

beforeEach(() => (posted = []));

describe('the batch count', () => {
  it('queues one run the usual way at a count of 1', async () => {
    const { runs, calls } = recordingRuns();
    const batch = createBatch({ api: createApiClient(base), runs, specs: () => specs });
    expect(await batch.queue(doc([{ id: '1', type: 'test/sample' }]))).toEqual({ ok: true, ids: ['single'], seed: null });
    expect(calls).toEqual(['queueRun']);
    expect(posted).toEqual([]);
  });

  it('sends one batch stepping the first seed, shows the first run, and says which seeds it queued', async () => {
    const { runs, calls } = recordingRuns();
    const batch = createBatch({ api: createApiClient(base), runs, specs: () => specs });
    batch.setCount(3);
    const d = doc([{ id: '4', type: 'test/plain' }, { id: '7', type: 'test/sample', params: { seed: 40 } }, { id: '9', type: 'test/sample' }]);
    const res = await batch.queue(d);
    expect(res).toEqual({ ok: true, ids: ['run-0', 'run-1', 'run-2'], seed: { node: '7', param: 'seed', first: 40, step: 1 } });
    expect(posted[0]?.batch).toEqual({ count: 3, vary: { node: '7', param: 'seed', step: 1 } });
    expect(posted[0]?.document).toEqual(d);
    expect(calls).toEqual(['activate run-0 queued', 'refresh']);
    expect(res.ok && queuedText(res.ids, res.seed)).toBe('Queued 3 runs (seed of #7: 40 to 42)');
  });

  it('takes a seed at its default, skips bypassed nodes, and queues the same workflow N times when none has a seed', async () => {
    const batch = createBatch({ api: createApiClient(base), runs: recordingRuns().runs, specs: () => specs });
    expect(batch.seedOf(doc([{ id: '1', type: 'test/sample', bypass: true }, { id: '2', type: 'test/sample' }]))).toEqual({ node: '2', param: 'seed', first: 1234, step: 1 });
    batch.setCount(2);
    const res = await batch.queue(doc([{ id: '4', type: 'test/plain' }, { id: '5', type: 'no/such-type' }]));
    expect(posted[0]?.batch).toEqual({ count: 2 });
    expect(res.ok && queuedText(res.ids, res.seed)).toBe('Queued 2 runs (the same workflow each)');
  });

  it('counts the seed down under a decrement control after run, as ComfyUI does, and up under the others', async () => {
    const batch = createBatch({ api: createApiClient(base), runs: recordingRuns().runs, specs: () => specs });
    const controlled = (control: 'decrement' | 'increment' | 'randomise') => ({ ...doc([{ id: '3', type: 'test/sample', params: { seed: 10 } }]).nodes[0]!, ui: { afterRun: { seed: control } } });
    expect(batch.seedOf({ ...emptyWorkflow(), nodes: [controlled('randomise')] })?.step).toBe(1);
    batch.setCount(3);
    const res = await batch.queue({ ...emptyWorkflow(), nodes: [controlled('decrement')] });
    expect(posted[0]?.batch).toEqual({ count: 3, vary: { node: '3', param: 'seed', step: -1 } });
    expect(res.ok && queuedText(res.ids, res.seed)).toBe('Queued 3 runs (seed of #3: 10 to 8)');
  });

  it('keeps the count a whole number from 1 to 100', () => {
    const batch = createBatch({ api: createApiClient(base), runs: recordingRuns().runs, specs: () => specs });
    const kept = [0, -3, 2.6, 500, Number.NaN].map((n) => (batch.setCount(n), batch.count.value));
    expect(kept).toEqual([1, 1, 3, 100, 1]);
  });

  it("gives the server's refusal back and shows no run", async () => {
    const { runs, calls } = recordingRuns();
    const batch = createBatch({ api: createApiClient(base), runs, specs: () => specs });
    batch.setCount(60);
    const res = await batch.queue(doc([{ id: '1', type: 'test/sample' }]));
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error).toBeInstanceOf(ApiError);
    expect(!res.ok && res.error.message).toBe('a batch of 60 runs passes the limit');
    expect(calls).toEqual([]);
  });
});
