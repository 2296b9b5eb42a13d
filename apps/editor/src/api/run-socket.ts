// The tab's one Socket.IO connection, typed by the protocol in @lvcd/nodes. Run rooms are shared: the canvas's
// active run and the compare view may watch the same run, so the room is left only when its last watcher goes.
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '@lvcd/nodes';
import { io, type Socket } from 'socket.io-client';
import { ref, type Ref } from 'vue';

export type StudioSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Watcher = (ack: SubscribeAck) => void;

export interface RunSocket {
  readonly connected: Readonly<Ref<boolean>>;
  /** Opens the connection (once); listeners and subscriptions made before wait for it. */
  connect(): void;
  /** Listens to a server event; returns the way to stop. */
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): () => void;
  /** Called on every (re)connect, after the rooms are joined again. */
  onConnect(listener: () => void): () => void;
  /**
   * Joins `runId`'s room; `onAck` gets the run as it is at joining, again after each reconnect. Returns the way
   * to stop watching; the room is left when no watcher of that run is left.
   */
  subscribe(runId: string, onAck?: Watcher): () => void;
  /** Runs with at least one watcher (what the server has this tab in). */
  watchedRuns(): string[];
  close(): void;
}

/** `url` is omitted in the browser (same origin); tests give a server's address. */
export function createRunSocket(url?: string): RunSocket {
  const options = { transports: ['websocket', 'polling'], autoConnect: false };
  const socket: StudioSocket = url ? io(url, options) : io(options);
  const connected = ref(false);
  const rooms = new Map<string, Set<Watcher>>();
  const connectListeners = new Set<() => void>();

  function join(runId: string, watchers: Iterable<Watcher>): void {
    const targets = [...watchers];
    socket.emit('subscribe', { runId }, (ack) => {
      // A watcher that stopped while the answer was on its way must not hear it.
      const live = rooms.get(runId);
      for (const w of targets) if (live?.has(w)) w(ack);
    });
  }

  socket.on('connect', () => {
    connected.value = true;
    for (const [runId, watchers] of rooms) join(runId, watchers);
    for (const l of connectListeners) l();
  });
  socket.on('disconnect', () => (connected.value = false));

  return {
    connected,
    connect: () => {
      if (!socket.connected && !socket.active) socket.connect();
    },
    on(event, listener) {
      // Socket.IO's overloads do not narrow through a generic key; the listener's type is checked at the call site.
      socket.on(event, listener as never);
      return () => void socket.off(event, listener as never);
    },
    onConnect(listener) {
      connectListeners.add(listener);
      return () => void connectListeners.delete(listener);
    },
    subscribe(runId, onAck = () => undefined) {
      // Each subscribe has its own function, so two watchers with the same callback still count twice.
      const watcher: Watcher = (ack) => onAck(ack);
      let watchers = rooms.get(runId);
      if (!watchers) rooms.set(runId, (watchers = new Set()));
      watchers.add(watcher);
      // Joining again is harmless on the server, and it is how this watcher gets its own snapshot.
      if (socket.connected) join(runId, [watcher]);
      return () => {
        const set = rooms.get(runId);
        if (!set?.delete(watcher) || set.size > 0) return;
        rooms.delete(runId);
        if (socket.connected) socket.emit('unsubscribe', { runId });
      };
    },
    watchedRuns: () => [...rooms.keys()],
    close: () => void socket.disconnect(),
  };
}
