import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '@lvcd/nodes';
import type { Server as IoServer, Socket as IoSocket } from 'socket.io';
import { isUuid } from '../common/id-pipes.js';
import { RunEventsBus } from '../runs/run-events.js';
import { RunsService } from '../runs/runs.service.js';
import { AccessControl } from '../security/access-control.js';
import { socketGuard } from '../security/socket-guard.js';

const room = (runId: string) => `run:${runId}`;

type Server = IoServer<ClientToServerEvents, ServerToClientEvents>;
type Socket = IoSocket<ClientToServerEvents, ServerToClientEvents>;

/** Socket.IO on the HTTP server: run-level events to everyone, a run's node, frame and artefact events to its room. */
@WebSocketGateway({ serveClient: false })
export class RealtimeGateway implements OnGatewayInit {
  constructor(
    private readonly bus: RunEventsBus,
    private readonly runs: RunsService,
    private readonly access: AccessControl,
  ) {}

  afterInit(server: Server): void {
    // Before any handler: Host, Origin and session are checked on the handshake, as for HTTP.
    server.use(socketGuard(this.access));
    // Events go to this instance's clients only: with several API instances, each hears every event on the
    // bus (through Redis) and pushes it to its own clients, so an adapter-wide emit would send it N times.
    // The bus is typed per event; Socket.IO's emit cannot narrow a generic event name, so it gets the pair as is.
    const emitAll = server.local.emit.bind(server.local) as (event: string, payload: unknown) => boolean;
    this.bus.onBroadcast((event, payload) => emitAll(event, payload));
    this.bus.onRoom((runId, event, payload) => (server.local.to(room(runId)).emit as (event: string, payload: unknown) => boolean)(event, payload));
    // An unknown socket id joins nothing: the client gets no events and can still subscribe later. With the
    // Redis adapter this reaches a socket connected to any instance (the run may be posted to another one).
    this.bus.onJoin((runId, socketId) => server.in(socketId).socketsJoin(room(runId)));
  }

  /** Joins first, then snapshots, so no event falls between the snapshot and the stream. */
  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() client: Socket, @MessageBody() body: unknown): Promise<SubscribeAck> {
    const runId = runIdOf(body);
    if (!runId) return { ok: false, message: 'send { runId } with a run id' };
    await client.join(room(runId));
    try {
      return { ok: true, run: await this.runs.detail(runId) };
    } catch {
      await client.leave(room(runId));
      return { ok: false, message: `no run ${runId}` };
    }
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() client: Socket, @MessageBody() body: unknown): Promise<{ ok: boolean }> {
    const runId = runIdOf(body);
    if (runId) await client.leave(room(runId));
    return { ok: runId !== undefined };
  }
}

function runIdOf(body: unknown): string | undefined {
  const runId = typeof body === 'object' && body !== null ? (body as { runId?: unknown }).runId : undefined;
  return isUuid(runId) ? runId : undefined;
}
