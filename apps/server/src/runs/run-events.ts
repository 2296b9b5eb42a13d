import { Injectable } from '@nestjs/common';
import type { BroadcastPayloads, RoomPayloads } from '@lvcd/nodes';

/** Events every client gets (queue panels, history): the socket protocol's run-level events. */
export type BroadcastEvents = BroadcastPayloads;

/** Events only the subscribers of one run get. */
export type RoomEvents = RoomPayloads;

/** One published event, as a relay carries it between processes. */
export type BusMessage =
  | { [K in keyof BroadcastEvents]: { kind: 'broadcast'; event: K; payload: BroadcastEvents[K] } }[keyof BroadcastEvents]
  | { [K in keyof RoomEvents]: { kind: 'room'; runId: string; event: K; payload: RoomEvents[K] } }[keyof RoomEvents];

/**
 * Carries published events to every process that pushes events to browsers (Redis in scale-out mode). Each
 * process then delivers every message, its own included, to its own listeners only.
 */
export interface RunEventsRelay {
  /** Sends in publication order. */
  publish(message: BusMessage): void;
  /** Starts delivering every process's messages, in the order each published them. */
  subscribe(deliver: (message: BusMessage) => void): Promise<void>;
  close(): Promise<void>;
}

/** Asks the transport to put a client into a run's room (a Socket.IO socket id). */
type JoinListener = (runId: string, clientId: string) => void;

type BroadcastListener = <K extends keyof BroadcastEvents>(event: K, payload: BroadcastEvents[K]) => void;
type RoomListener = <K extends keyof RoomEvents>(runId: string, event: K, payload: RoomEvents[K]) => void;

/**
 * Decouples the runs feature from transports: runs publish here, the Socket.IO gateway (or a test) listens.
 * With a relay, what is published goes out through it, and listeners hear what arrives through it.
 */
@Injectable()
export class RunEventsBus {
  private readonly broadcastListeners: BroadcastListener[] = [];
  private readonly roomListeners: RoomListener[] = [];
  private readonly joinListeners: JoinListener[] = [];
  private relay?: RunEventsRelay;

  /**
   * Publishes through `relay` from now on. With `listen`, listeners get the messages of every process that
   * publishes to it (an API instance); without, they get nothing (a worker, which only reports).
   */
  async useRelay(relay: RunEventsRelay, listen: boolean): Promise<void> {
    if (listen) await relay.subscribe((m) => this.deliver(m));
    this.relay = relay;
  }

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
    this.publish({ kind: 'broadcast', event, payload } as BusMessage);
  }

  toRoom<K extends keyof RoomEvents>(runId: string, event: K, payload: RoomEvents[K]): void {
    this.publish({ kind: 'room', runId, event, payload } as BusMessage);
  }

  private publish(message: BusMessage): void {
    if (this.relay) this.relay.publish(message);
    else this.deliver(message);
  }

  private deliver(m: BusMessage): void {
    if (m.kind === 'broadcast') for (const l of this.broadcastListeners) l(m.event, m.payload);
    else for (const l of this.roomListeners) l(m.runId, m.event, m.payload);
  }
}
