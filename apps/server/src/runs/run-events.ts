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
  'node:failed': { runId: string; node: string; message: string };
  frame: { runId: string; node: string; output: string; index: number; count?: number; width: number; height: number; mime: string; data: Buffer };
  artifact: { runId: string; node: string; artifact: ArtifactView };
}

type BroadcastListener = <K extends keyof BroadcastEvents>(event: K, payload: BroadcastEvents[K]) => void;
type RoomListener = <K extends keyof RoomEvents>(runId: string, event: K, payload: RoomEvents[K]) => void;

/** Decouples the runs feature from transports: runs publish here, the Socket.IO gateway (or a test) listens. */
@Injectable()
export class RunEventsBus {
  private readonly broadcastListeners: BroadcastListener[] = [];
  private readonly roomListeners: RoomListener[] = [];

  onBroadcast(listener: BroadcastListener): void {
    this.broadcastListeners.push(listener);
  }

  onRoom(listener: RoomListener): void {
    this.roomListeners.push(listener);
  }

  broadcast<K extends keyof BroadcastEvents>(event: K, payload: BroadcastEvents[K]): void {
    for (const l of this.broadcastListeners) l(event, payload);
  }

  toRoom<K extends keyof RoomEvents>(runId: string, event: K, payload: RoomEvents[K]): void {
    for (const l of this.roomListeners) l(runId, event, payload);
  }
}
