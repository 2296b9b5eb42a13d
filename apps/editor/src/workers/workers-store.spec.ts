// @vitest-environment node
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerView } from '@lvcd/nodes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../api/client';
import { until } from '../../test/support/socket-server';
import { createWorkers } from './workers-store';

const NOW = Date.parse('2026-12-02T06:00:10.000Z');

function worker(id: string, over: Partial<WorkerView> = {}): WorkerView {
  return {
    id, pid: 40, state: 'ready', host: 'render-1', provider: 'cuda', gpu: 0, deviceMemoryBytes: 8e9, freeMemoryBytes: 6e9,
    concurrency: 2, running: [], bundles: [], version: '0.1.0', rssBytes: 3e8, lastSeen: '2026-12-02T06:00:09.500Z', ...over,
  };
}

/** A real HTTP server answering GET /api/workers with `answer` (a status other than 200 answers an error). */
let server: Server;
let answer: { status: number; body: unknown };
let asked = 0;
let base = '';

beforeEach(async () => {
  asked = 0;
  answer = { status: 200, body: [] };
  server = createServer((req, res) => {
    if (req.url === '/api/workers') asked += 1;
    res.writeHead(req.url === '/api/workers' ? answer.status : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.status === 200 ? answer.body : { message: 'redis is down' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the workers store', () => {
  it('reads the workers when a panel opens and again every interval, with each one described', async () => {
    answer.body = [worker('w1', { running: ['r1'], bundles: ['abc'] }), worker('w2', { provider: 'cpu', gpu: null, lastSeen: '2026-12-02T06:00:02.000Z' })];
    const store = createWorkers({ api: createApiClient(base), now: () => NOW, intervalMs: 40 });
    const stop = store.watch();
    await until(() => store.loaded.value);
    expect(store.rows.value.map((r) => [r.worker.id, r.device, r.stale, r.seen])).toEqual([
      ['w1', 'CUDA · GPU 0', false, 'just now'],
      ['w2', 'CPU', true, '8 s ago'],
    ]);
    expect(store.rows.value[0]).toMatchObject({ usedFraction: 0.25, memory: '2.0 GB used of 8.0 GB · 6.0 GB free' });
    answer.body = [worker('w1')];
    await until(() => store.rows.value.length === 1);
    expect(asked).toBeGreaterThanOrEqual(2);
    stop();
  });

  it('stops asking once the last panel closes; two open panels share one poll', async () => {
    const store = createWorkers({ api: createApiClient(base), intervalMs: 30 });
    const first = store.watch();
    const second = store.watch();
    await until(() => asked >= 3);
    first();
    first(); // closing twice does not close the other panel's poll
    expect(store.polling()).toBe(true);
    const during = asked;
    await until(() => asked > during);
    second();
    expect(store.polling()).toBe(false);
    await new Promise((r) => setTimeout(r, 60)); // a request under way when it stopped may still land
    const after = asked;
    await new Promise((r) => setTimeout(r, 120));
    expect(asked).toBe(after);
  });

  it('keeps the last list and says why when a refresh fails, and clears the error when one works', async () => {
    answer.body = [worker('w1')];
    const store = createWorkers({ api: createApiClient(base), now: () => NOW });
    await store.refresh();
    answer = { status: 503, body: null };
    await store.refresh();
    expect(store.error.value).toBe('redis is down');
    expect(store.rows.value.map((r) => r.worker.id)).toEqual(['w1']);
    answer = { status: 200, body: [] };
    await store.refresh();
    expect(store.error.value).toBe('');
    expect(store.rows.value).toEqual([]);
  });

  it('counts a worker stale from the clock, so one that stops beating greys out between reads', async () => {
    answer.body = [worker('w1')];
    let now = NOW;
    const store = createWorkers({ api: createApiClient(base), now: () => now });
    await store.refresh();
    expect(store.rows.value[0]?.stale).toBe(false);
    now += 10_000;
    await store.refresh(); // the server still lists it (its heartbeat key has not expired on a stuck clock)
    expect(store.rows.value[0]).toMatchObject({ stale: true, seen: '10 s ago', ageS: 10 });
  });
});
