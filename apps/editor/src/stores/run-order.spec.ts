// @vitest-environment node
// The toolbar's run status over a real Socket.IO connection, in the orders the server's messages can arrive in.
// Before, a run:started that came ahead of the POST answer, or ahead of a subscribe snapshot read just before it
// started, left the badge QUEUED for the whole run.
import { emptyWorkflow, type RunDetail } from '@lvcd/nodes';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunSocket, type RunSocket } from '../api/run-socket';
import { room, runDetail, startSocketServer, until, type BeforeAck, type SocketServer } from '../../test/support/socket-server';
import { createNodeRuntime, type NodeRuntimeStore } from './node-runtime';
import { createRuns, type RunsStore } from './runs';

const RUN = '11111111-2222-4333-8444-555555555555';

let server: SocketServer;
let socket: RunSocket;
let runtime: NodeRuntimeStore;
let runs: RunsStore;

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

/** A server whose snapshot of RUN is `snapshot`; `beforeAck` sends what arrives between joining and the answer. */
async function setup(snapshot: RunDetail, beforeAck?: BeforeAck, beforePostAnswer?: () => Promise<void>): Promise<void> {
  server = await startSocketServer(new Map([[RUN, snapshot]]), beforeAck);
  socket = createRunSocket(server.url);
  runtime = createNodeRuntime();
  const queueRun = async () => {
    await beforePostAnswer?.();
    return { id: RUN, status: 'queued' as const };
  };
  const api = { listRuns: async () => [], queueRun, cancelRun: async (id: string) => ({ id, status: 'cancelled' }) };
  runs = createRuns({ api, socket, runtime, notify: () => undefined, storage: memoryStorage() });
  runs.connect();
  await until(() => socket.connected.value);
}

/** Lets the socket deliver what is on its way. */
const settle = () => new Promise((r) => setTimeout(r, 100));

afterEach(async () => {
  socket.close();
  await server.close();
});

describe('the shown run status follows the run whatever order its messages arrive in', () => {
  it('run:started before the POST answer names the run', async () => {
    const heardStart = { done: false };
    await setup(runDetail(RUN, { status: 'queued' }), undefined, async () => {
      socket.on('run:started', () => void (heardStart.done = true));
      server.io.emit('run:started', { runId: RUN });
      await until(() => heardStart.done);
    });
    await runs.queueRun(emptyWorkflow());
    await until(() => server.members(RUN) === 1);
    await settle();
    expect(runs.activeStatus.value).toBe('running');
    server.io.emit('run:finished', { runId: RUN, status: 'succeeded' });
    await until(() => runs.activeStatus.value === 'succeeded');
  });

  it('run:started and node events between joining and a snapshot read before they happened', async () => {
    const stale = runDetail(RUN, { status: 'queued', nodes: { '1': { status: 'queued' }, '2': { status: 'queued' } } });
    await setup(stale, (io, runId) => {
      io.emit('run:started', { runId });
      io.to(room(runId)).emit('node:finished', { runId, node: '1', ms: 5, artifacts: [] });
      io.to(room(runId)).emit('node:started', { runId, node: '2', nodeType: 'test/colorize' });
    });
    await runs.queueRun(emptyWorkflow());
    await until(() => runtime.nodeRuntime('2').status === 'running');
    await settle();
    expect(runs.activeStatus.value).toBe('running');
    expect(runtime.nodeRuntime('1')).toMatchObject({ status: 'done', ms: 5 });
    expect(runtime.nodeRuntime('2').status).toBe('running');
  });

  it('run:finished before the snapshot of the running run', async () => {
    const stale = runDetail(RUN, { status: 'running', nodes: { '1': { status: 'running' } } });
    await setup(stale, (io, runId) => {
      io.to(room(runId)).emit('node:finished', { runId, node: '1', ms: 7, artifacts: [] });
      io.emit('run:finished', { runId, status: 'succeeded' });
    });
    await runs.queueRun(emptyWorkflow());
    await until(() => runs.activeStatus.value === 'succeeded');
    await settle();
    expect(runs.activeStatus.value).toBe('succeeded');
    expect(runtime.nodeRuntime('1')).toMatchObject({ status: 'done', ms: 7 });
  });

  it('a later snapshot (a reconnect) still moves a run forward', async () => {
    await setup(runDetail(RUN, { status: 'succeeded', nodes: { '1': { status: 'done', ms: 2 } } }));
    runs.activate(RUN, 'queued');
    await until(() => runs.activeStatus.value === 'succeeded');
    expect(runtime.nodeRuntime('1')).toMatchObject({ status: 'done', ms: 2 });
  });
});
