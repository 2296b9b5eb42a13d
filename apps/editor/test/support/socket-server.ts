// Test-only: a real Socket.IO server speaking the studio's protocol (rooms per run, a subscribe answer with the
// run), so the editor's socket code is tested over a real connection. Runs in a `node` test environment.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientToServerEvents, RunDetail, ServerToClientEvents } from '@lvcd/nodes';
import { emptyWorkflow } from '@lvcd/nodes';
import { Server } from 'socket.io';

export const room = (runId: string) => `run:${runId}`;

export function runDetail(id: string, patch: Partial<RunDetail> = {}): RunDetail {
  return { id, status: 'running', createdAt: new Date(0).toISOString(), document: emptyWorkflow(), nodes: {}, artifacts: [], ...patch };
}

/** Called between joining the room and answering: what the real server may send in that window (its snapshot is read then). */
export type BeforeAck = (io: Server<ClientToServerEvents, ServerToClientEvents>, runId: string) => void;

export async function startSocketServer(runs: Map<string, RunDetail> = new Map(), beforeAck?: BeforeAck) {
  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, { serveClient: false });
  const requests: { event: 'subscribe' | 'unsubscribe'; runId: string }[] = [];
  io.on('connection', (socket) => {
    socket.on('subscribe', async ({ runId }, ack) => {
      requests.push({ event: 'subscribe', runId });
      await socket.join(room(runId));
      const run = runs.get(runId);
      beforeAck?.(io, runId);
      if (run) return ack({ ok: true, run });
      await socket.leave(room(runId));
      ack({ ok: false, message: `no run ${runId}` });
    });
    socket.on('unsubscribe', async ({ runId }, ack) => {
      requests.push({ event: 'unsubscribe', runId });
      await socket.leave(room(runId));
      ack?.({ ok: true });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    io,
    url,
    runs,
    requests,
    /** Sockets in a run's room now. */
    members: (runId: string) => io.of('/').adapter.rooms.get(room(runId))?.size ?? 0,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}

export type SocketServer = Awaited<ReturnType<typeof startSocketServer>>;

/** Waits until `check` holds (socket traffic is asynchronous), failing after `ms`. */
export async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
