import { Injectable } from '@nestjs/common';
import type { BroadcastPayloads, RoomPayloads } from '@lvcd/nodes';

/** Events every client gets (queue panels, history): the socket protocol's run-level events. */
export type BroadcastEvents = BroadcastPayloads;

/** Events only the subscribers of one run get. */
export type RoomEvents = RoomPayloads;

/** Asks the transport to put a client into a run's room (a Socket.IO socket id). */
type JoinListener = (runId: string, clientId: string) => void;

type BroadcastListener = <K extends keyof BroadcastEvents>(event: K, payload: BroadcastEvents[K]) => void;
type RoomListener = <K extends keyof RoomEvents>(runId: string, event: K, payload: RoomEvents[K]) => void;

/** Decouples the runs feature from transports: runs publish here, the Socket.IO gateway (or a test) listens. */
@Injectable()
export class RunEventsBus {
  private readonly broadcastListeners: BroadcastListener[] = [];
  private readonly roomListeners: RoomListener[] = [];
  private readonly joinListeners: JoinListener[] = [];

  onBroadcast(listener: BroadcastListener): void {
    this.broadcastListeners.push(listener);
  }

  onRoom(listener: RoomListener): void {
    this.roomListeners.push(listener);
  }

  onJoin(listener: JoinListener): void {
    this.joinListeners.push(listener);
  }

  /** Subscribes a client to a run before it is queued, so even a run that ends at once reaches it whole. */
  join(runId: string, clientId: string): void {
    for (const l of this.joinListeners) l(runId, clientId);
  }

  broadcast<K extends keyof BroadcastEvents>(event: K, payload: BroadcastEvents[K]): void {
    for (const l of this.broadcastListeners) l(event, payload);
  }

  toRoom<K extends keyof RoomEvents>(runId: string, event: K, payload: RoomEvents[K]): void {
    for (const l of this.roomListeners) l(runId, event, payload);
  }
}
