// @vitest-environment node
import type { SubscribeAck } from '@lvcd/nodes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDetail, startSocketServer, until, type SocketServer } from '../../test/support/socket-server';
import { createRunSocket, type RunSocket } from './run-socket';

const RUN = '11111111-2222-4333-8444-555555555555';
const OTHER = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

let server: SocketServer;
let socket: RunSocket;

beforeEach(async () => {
  server = await startSocketServer(new Map([[RUN, runDetail(RUN)], [OTHER, runDetail(OTHER, { status: 'succeeded' })]]));
  socket = createRunSocket(server.url);
});

afterEach(async () => {
  socket.close();
  await server.close();
});

describe('the run socket', () => {
  it('keeps a room while any watcher of the run is left, and leaves it with the last one', async () => {
    socket.connect();
    await until(() => socket.connected.value);
    const canvas = socket.subscribe(RUN);
    const compare = socket.subscribe(RUN);
    await until(() => server.members(RUN) === 1);
    canvas();
    // The compare view still watches: no unsubscribe reaches the server, and the room still gets events.
    const frames: number[] = [];
    socket.on('node:progress', (e) => frames.push(e.value));
    server.io.to(`run:${RUN}`).emit('node:progress', { runId: RUN, node: '1', value: 3, max: 9 });
    await until(() => frames.length === 1);
    expect(server.requests.filter((r) => r.event === 'unsubscribe')).toEqual([]);
    compare();
    await until(() => server.members(RUN) === 0);
    expect(server.requests.filter((r) => r.event === 'unsubscribe')).toEqual([{ event: 'unsubscribe', runId: RUN }]);
    expect(socket.watchedRuns()).toEqual([]);
  });

  it('gives each watcher its own snapshot, and one made before connecting gets it on connect', async () => {
    const early: SubscribeAck[] = [];
    socket.subscribe(RUN, (ack) => early.push(ack));
    socket.connect();
    await until(() => early.length === 1);
    const late: SubscribeAck[] = [];
    socket.subscribe(OTHER, (ack) => late.push(ack));
    await until(() => late.length === 1);
    expect(early[0]).toMatchObject({ ok: true, run: { id: RUN, status: 'running' } });
    expect(late[0]).toMatchObject({ ok: true, run: { id: OTHER, status: 'succeeded' } });
    expect(early).toHaveLength(1); // the second subscribe answered only its own watcher
  });

  it('joins every watched room again after a reconnect', async () => {
    const acks: SubscribeAck[] = [];
    socket.subscribe(RUN, (ack) => acks.push(ack));
    const reconnects: number[] = [];
    socket.onConnect(() => reconnects.push(Date.now()));
    socket.connect();
    await until(() => acks.length === 1 && server.members(RUN) === 1);
    server.io.disconnectSockets(); // the server drops the client; Socket.IO's client does not retry a server-side disconnect
    await until(() => !socket.connected.value);
    socket.connect();
    await until(() => acks.length === 2 && server.members(RUN) === 1);
    expect(reconnects).toHaveLength(2);
  });

  it('tells a watcher when the run does not exist, and a stopped watcher hears nothing more', async () => {
    socket.connect();
    await until(() => socket.connected.value);
    const missing: SubscribeAck[] = [];
    socket.subscribe('99999999-2222-4333-8444-555555555555', (ack) => missing.push(ack));
    await until(() => missing.length === 1);
    expect(missing[0]).toEqual({ ok: false, message: 'no run 99999999-2222-4333-8444-555555555555' });

    const heard: SubscribeAck[] = [];
    const stop = socket.subscribe(RUN, (ack) => heard.push(ack));
    stop(); // before the answer arrives
    await until(() => server.requests.some((r) => r.event === 'unsubscribe'));
    await new Promise((r) => setTimeout(r, 50));
    expect(heard).toEqual([]);
  });

  it('stops a listener when asked', async () => {
    socket.subscribe(RUN);
    socket.connect();
    await until(() => server.members(RUN) === 1);
    const seen: string[] = [];
    const off = socket.on('node:bypassed', (e) => seen.push(e.node));
    server.io.to(`run:${RUN}`).emit('node:bypassed', { runId: RUN, node: '4' });
    await until(() => seen.length === 1);
    off();
    server.io.to(`run:${RUN}`).emit('node:bypassed', { runId: RUN, node: '5' });
    server.io.to(`run:${RUN}`).emit('node:progress', { runId: RUN, node: '5', value: 1, max: 2 });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['4']);
  });
});
