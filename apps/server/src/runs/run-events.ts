import { Injectable } from '@nestjs/common';
import type { ArtifactView } from './run-views.js';

/** Events every client gets (queue panels, history). */
export interface BroadcastEvents {
  'run:queued': { runId: string; position: number };
  'run:started': { runId: string };
  'run:finished': { runId: string; status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted'; error?: { node: string; message: string } };
}

/** Events only the subscribers of one run get. */
export interface RoomEvents {
  'node:started': { runId: string; node: string; nodeType: string };
  'node:progress': { runId: string; node: string; value: number; max: number; text?: string };
  'node:cached': { runId: string; node: string; artifacts: ArtifactView[] };
  'node:finished': { runId: string; node: string; ms: number; artifacts: ArtifactView[] };
  'node:bypassed': { runId: string; node: string };
  'node:failed': { runId: string; node: string; message: string; field?: string };
  frame: { runId: string; node: string; output: string; index: number; count?: number; width: number; height: number; mime: string; data: Buffer };
  artifact: { runId: string; node: string; artifact: ArtifactView };
}

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
