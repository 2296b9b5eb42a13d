// @vitest-environment node
import { emptyWorkflow, type NodeSpec } from '@lvcd/nodes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunSocket, type RunSocket } from '../api/run-socket';
import { runDetail, startSocketServer, until, type SocketServer } from '../../test/support/socket-server';
import { createNodeRuntime, type NodeRuntimeStore } from './node-runtime';
import { createRuns, type RunsStore } from './runs';

const RUN = '11111111-2222-4333-8444-555555555555';
const NEXT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

const spec: NodeSpec = {
  type: 'test/colorize',
  title: 'Colorize',
  category: 'test',
  description: '',
  version: 1,
  inputs: [{ name: 'frames', type: 'FRAMES' }],
  outputs: [{ name: 'frames', type: 'FRAMES' }],
  params: [{ name: 'strength', schema: { kind: 'number', default: 0.5, min: 0, max: 1 } }],
};

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

let server: SocketServer;
let socket: RunSocket;
let runtime: NodeRuntimeStore;
let runs: RunsStore;
let toasts: string[];
const room = (id: string) => server.io.to(`run:${id}`);

beforeEach(async () => {
  server = await startSocketServer(new Map([[RUN, runDetail(RUN, { nodes: { '1': { status: 'done', ms: 4 }, '2': { status: 'queued' } } })], [NEXT, runDetail(NEXT)]]));
  socket = createRunSocket(server.url);
  runtime = createNodeRuntime();
  toasts = [];
  const api = { listRuns: async () => [], queueRun: async () => ({ id: NEXT, status: 'queued' as const }), cancelRun: async (id: string) => ({ id, status: 'cancelled' }) };
  runs = createRuns({ api, socket, runtime, notify: (_kind, text) => void toasts.push(text), storage: memoryStorage() });
  runs.connect();
  await until(() => socket.connected.value);
});

afterEach(async () => {
  socket.close();
  await server.close();
});

describe('the runs store', () => {
  it('shows the subscribe snapshot of the run it activates', async () => {
    runs.activate(RUN);
    await until(() => runtime.nodeRuntime('1').status === 'done');
    expect(runtime.nodeRuntime('1').ms).toBe(4);
    expect(runtime.nodeRuntime('2').status).toBe('queued');
    expect(runs.activeStatus.value).toBe('running');
  });

  it('labels a bypassed node bypassed when the run ends, and one still running then cancelled', async () => {
    runs.activate(RUN);
    await until(() => server.members(RUN) === 1 && runtime.nodeRuntime('2').status === 'queued');
    room(RUN).emit('node:bypassed', { runId: RUN, node: '3' });
    room(RUN).emit('node:started', { runId: RUN, node: '2', nodeType: 'test/colorize' });
    await until(() => runtime.nodeRuntime('3').status === 'bypassed' && runtime.nodeRuntime('2').status === 'running');
    server.io.emit('run:finished', { runId: RUN, status: 'succeeded' });
    await until(() => runs.activeStatus.value === 'succeeded');
    expect(toasts).toEqual(['Run finished']);
    expect(runtime.nodeRuntime('3').status).toBe('bypassed');
    expect(runtime.nodeRuntime('2').status).toBe('cancelled');
  });

  it('says a cancel was heard at once, and where the run stopped once it has (its last progress)', async () => {
    runs.activate(RUN);
    await until(() => server.members(RUN) === 1);
    room(RUN).emit('node:progress', { runId: RUN, node: 'lvcd', value: 29, max: 75, text: 'window 2/3, step 4/25 (cpu), about 3 min left' });
    await until(() => runtime.nodeRuntime('lvcd').value === 29);
    await runs.cancel(RUN);
    expect(toasts).toEqual(['Cancelling…']);
    server.io.emit('run:finished', { runId: RUN, status: 'cancelled' });
    await until(() => toasts.length === 2);
    expect(toasts[1]).toBe('Cancelled at window 2/3, step 4/25 of node #lvcd');
    // A queued run cancelled from the queue (not shown on the canvas) has no progress here: it just says so.
    await runs.cancel(NEXT);
    server.io.emit('run:finished', { runId: NEXT, status: 'cancelled' });
    await until(() => toasts.length === 4);
    expect(toasts.slice(2)).toEqual(['Cancelling…', 'Cancelled']);
  });

  it('keeps the field a failure names, and lists the failure as a problem on that input or param', async () => {
    runs.activate(RUN);
    await until(() => server.members(RUN) === 1);
    room(RUN).emit('node:failed', { runId: RUN, node: '1', message: 'strength 2 is above 1', field: 'strength' });
    room(RUN).emit('node:failed', { runId: RUN, node: '2', message: 'frames are 30 but the reference is 1', field: 'frames' });
    await until(() => runtime.nodeRuntime('2').status === 'failed');
    expect(runtime.nodeRuntime('1')).toMatchObject({ status: 'failed', field: 'strength', message: 'strength 2 is above 1' });
    const types = new Map([['1', spec.type], ['2', spec.type]]);
    expect(runtime.failures(new Map([[spec.type, spec]]), types)).toEqual([
      { code: 'run-failed', node: '1', param: 'strength', message: 'strength 2 is above 1', fix: expect.any(String) },
      { code: 'run-failed', node: '2', input: 'frames', message: 'frames are 30 but the reference is 1', fix: expect.any(String) },
    ]);
    server.io.emit('run:finished', { runId: RUN, status: 'failed', error: { node: '1', message: 'strength 2 is above 1', field: 'strength' } });
    await until(() => toasts.length === 1);
    expect(toasts[0]).toBe('Run failed at node 1 (strength): strength 2 is above 1');
  });

  it("puts a measuring node's mean PSNR and SSIM on it from its metrics artefact", async () => {
    runs.activate(RUN);
    await until(() => server.members(RUN) === 1);
    const json = { id: 'a1', node: '4', name: 'metrics.json', mime: 'application/json', kind: 'json', size: 10, meta: { frames: 74, meanPsnr: 21.05, meanSsim: 0.869, minPsnr: 18, meanFlicker: 2, protocol: 'paper' } };
    const csv = { id: 'a2', node: '4', name: 'metrics.csv', mime: 'text/csv', kind: 'csv', size: 10 };
    room(RUN).emit('node:finished', { runId: RUN, node: '4', ms: 3, artifacts: [json, csv] });
    await until(() => runtime.nodeRuntime('4').status === 'done');
    expect(runtime.nodeRuntime('4').metrics).toEqual({ psnr: 21.05, ssim: 0.869, frames: 74, protocol: 'paper', artifact: 'a1' });
  });

  it('ignores events of runs it does not show, and leaves the old room when another run is shown', async () => {
    runs.activate(RUN);
    await until(() => server.members(RUN) === 1);
    const compare = socket.subscribe(NEXT); // the compare view watches the next run already
    const queued = await runs.queueRun(emptyWorkflow());
    expect(queued).toEqual({ ok: true, id: NEXT });
    await until(() => server.members(RUN) === 0);
    room(RUN).emit('node:finished', { runId: RUN, node: '7', ms: 1, artifacts: [] });
    room(NEXT).emit('node:finished', { runId: NEXT, node: '8', ms: 2, artifacts: [] });
    await until(() => runtime.nodeRuntime('8').status === 'done');
    expect(runtime.nodeRuntime('7').status).toBeUndefined();
    // Showing yet another run leaves NEXT to the compare view, which still hears it.
    runs.activate(RUN);
    await until(() => server.members(RUN) === 1);
    expect(server.members(NEXT)).toBe(1);
    compare();
    await until(() => server.members(NEXT) === 0);
  });

  it('stops showing a run the server no longer has', async () => {
    runs.activate('99999999-2222-4333-8444-555555555555');
    await until(() => runs.activeRunId.value === null);
    expect(socket.watchedRuns()).toEqual([]);
  });
});
