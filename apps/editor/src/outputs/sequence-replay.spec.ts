// @vitest-environment node
import { emptyWorkflow, type Link, type SequenceInfo } from '@lvcd/nodes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunSocket, type RunSocket } from '../api/run-socket';
import type { Artifact } from '../api/types';
import { runDetail, startSocketServer, until, type SocketServer } from '../../test/support/socket-server';
import { createNodeRuntime, type NodeRuntimeStore } from '../stores/node-runtime';
import { createRuns, type RunsStore } from '../stores/runs';
import { createSequenceReplay, spacedIndices } from './sequence-replay';

const RUN = '11111111-2222-4333-8444-555555555555';
const OTHER = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const VIDEO = '99999999-8888-4777-8666-555555555555';
const video: Artifact = { id: VIDEO, node: 'save', name: 'colorized.mp4', mime: 'video/mp4', kind: 'video', size: 900, meta: { frames: 30, fps: 12, width: 64, height: 48 } };
const zip: Artifact = { id: 'zip-1', node: 'frames', name: 'frames.zip', mime: 'application/zip', kind: 'zip', size: 900, meta: { frames: 5 } };
const links: Link[] = [{ from: { node: 'colorize', output: 'frames' }, to: { node: 'save', input: 'frames' } }];

let server: SocketServer;
let socket: RunSocket;
let runtime: NodeRuntimeStore;
let runs: RunsStore;
/** What the frame endpoint says of each artefact; a request for another one fails as the server's 415 does. */
const sequences = new Map<string, SequenceInfo>();
let asked: string[];

beforeEach(async () => {
  // The restored run: every node done, its video saved, nothing streamed (it ended long ago).
  server = await startSocketServer(new Map([
    [RUN, runDetail(RUN, { status: 'succeeded', nodes: { colorize: { status: 'done', ms: 9 }, save: { status: 'done', ms: 4 } }, artifacts: [video] })],
    [OTHER, runDetail(OTHER, { status: 'succeeded' })],
  ]));
  socket = createRunSocket(server.url);
  runtime = createNodeRuntime();
  asked = [];
  sequences.clear();
  sequences.set(VIDEO, { artifact: VIDEO, count: 31, width: 64, height: 48, fps: 12, ready: 0, complete: false });
  const api = {
    sequence: async (id: string) => {
      asked.push(id);
      const info = sequences.get(id);
      if (!info) throw new Error(`artifact ${id} is not a frame sequence`);
      return info;
    },
  };
  const replay = createSequenceReplay(api, runtime, () => links);
  const noRuns = { listRuns: async () => [], queueRun: async () => ({ id: OTHER, status: 'queued' as const }), cancelRun: async (id: string) => ({ id, status: 'cancelled' }) };
  const store = new Map<string, string>();
  runs = createRuns({ api: noRuns, socket, runtime, notify: () => undefined, replay, storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) } });
  runs.connect();
  await until(() => socket.connected.value);
});

afterEach(async () => {
  socket.close();
  await server.close();
});

describe('replaying a saved sequence on the nodes of a shown run', () => {
  it('spreads the frames shown over the whole sequence', () => {
    expect(spacedIndices(30, 4)).toEqual([0, 10, 19, 29]);
    expect(spacedIndices(3, 12)).toEqual([0, 1, 2]);
    expect(spacedIndices(1, 12)).toEqual([0]);
    expect(spacedIndices(0, 12)).toEqual([]);
  });

  it('shows frames of the saved video on Save Video and on the node whose frames it saved', async () => {
    runs.activate(RUN);
    await until(() => runtime.nodeRuntime('save').frames.length > 0);
    const save = runtime.nodeRuntime('save');
    expect(save.status).toBe('done');
    // The count is what Save Video encoded (30), not the probe's estimate (31), so the last frame exists.
    expect(save.frameCount).toBe(30);
    expect(save.frames.map((f) => f.index)).toEqual(spacedIndices(30, 12));
    expect(save.frames[0]).toEqual({ index: 0, url: `/api/artifacts/${VIDEO}/frames/0`, width: 64, height: 48 });
    expect(save.frames.at(-1)!.url).toBe(`/api/artifacts/${VIDEO}/frames/29`);
    expect(runtime.nodeRuntime('colorize').frames.map((f) => f.url)).toEqual(save.frames.map((f) => f.url));
  });

  it('keeps frames a node already shows, and replays cached zips as they are announced', async () => {
    runs.activate(OTHER);
    await until(() => server.members(OTHER) === 1);
    runtime.putFrame('save', { index: 3, url: 'blob:live', width: 64, height: 48 });
    sequences.set('zip-1', { artifact: 'zip-1', count: 5, width: 64, height: 48, fps: 12, ready: 5, complete: true });
    server.io.to(`run:${OTHER}`).emit('node:cached', { runId: OTHER, node: 'frames', artifacts: [zip] });
    server.io.to(`run:${OTHER}`).emit('node:cached', { runId: OTHER, node: 'save', artifacts: [video] });
    await until(() => runtime.nodeRuntime('frames').frames.length === 5 && runtime.nodeRuntime('colorize').frames.length > 0);
    expect(runtime.nodeRuntime('frames').frames.map((f) => f.url)).toEqual([0, 1, 2, 3, 4].map((i) => `/api/artifacts/zip-1/frames/${i}`));
    expect(runtime.nodeRuntime('save').frames.map((f) => f.url)).toEqual(['blob:live']);
  });

  it('drops the answer for a run no longer shown, and skips what is not a sequence', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = createSequenceReplay({
      sequence: async (id) => {
        asked.push(id);
        await gate;
        return sequences.get(id)!;
      },
    }, runtime, () => links);
    let shown = true;
    const pending = slow(video, () => shown);
    shown = false;
    release();
    await pending;
    expect(runtime.nodeRuntime('save').frames).toEqual([]);
    await slow({ ...zip, id: 'json', mime: 'application/json' }, () => true);
    expect(asked).toEqual([VIDEO]);
  });
});
