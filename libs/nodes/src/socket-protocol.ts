import type { ArtifactView, RunDetail, RunError, RunStatus } from './api.js';

/**
 * The Socket.IO protocol between the studio server and its clients, typed once for both ends
 * (`Server<ClientToServerEvents, ServerToClientEvents>` there, `Socket<ServerToClientEvents, ClientToServerEvents>` here).
 * Run-level events go to every client; node, frame and artefact events only to the run's room.
 */
export interface BroadcastPayloads {
  'run:queued': { runId: string; position: number };
  'run:started': { runId: string };
  'run:finished': { runId: string; status: Extract<RunStatus, 'succeeded' | 'failed' | 'cancelled' | 'interrupted'>; error?: RunError };
}

export interface RoomPayloads {
  'node:started': { runId: string; node: string; nodeType: string };
  'node:progress': { runId: string; node: string; value: number; max: number; text?: string };
  'node:cached': { runId: string; node: string; artifacts: ArtifactView[] };
  'node:finished': { runId: string; node: string; ms: number; artifacts: ArtifactView[] };
  'node:bypassed': { runId: string; node: string };
  'node:failed': { runId: string; node: string; message: string; field?: string };
  /** A preview; `data` is a Buffer when sent, an ArrayBuffer in a browser and a Buffer in a Node client. */
  frame: FrameMessage;
  artifact: { runId: string; node: string; artifact: ArtifactView };
}

export interface FrameMessage {
  runId: string;
  node: string;
  output: string;
  index: number;
  count?: number;
  width: number;
  height: number;
  mime: string;
  data: ArrayBuffer | Uint8Array;
}

type Listeners<P> = { [K in keyof P]: (payload: P[K]) => void };

export type ServerToClientEvents = Listeners<BroadcastPayloads & RoomPayloads>;

/** The answer to `subscribe`: the run as it is now (joined first, so no event falls between it and the stream). */
export type SubscribeAck = { ok: true; run: RunDetail } | { ok: false; message: string };

export interface ClientToServerEvents {
  subscribe(body: { runId: string }, ack: (answer: SubscribeAck) => void): void;
  unsubscribe(body: { runId: string }, ack?: (answer: { ok: boolean }) => void): void;
}
