// Runs: queueing, the live socket, per-node state of the run shown on the canvas, the queue and the history.
import type { WorkflowDocument } from '@lvcd/nodes';
import { io, type Socket } from 'socket.io-client';
import { computed, reactive, ref, shallowRef } from 'vue';
import { api, ApiError, artifactUrl } from '../api/client';
import type { Artifact, FrameEvent, NodeStatus, RunDetail, RunStatus, RunSummary } from '../api/types';
import { clearRunState, nodeRuntime, putFrame, settleUnfinished } from './useNodeRuntime';
import { notify } from './useToasts';

const ACTIVE_KEY = 'lvcd-studio:active-run';
const FINISHED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

const runs = ref<RunSummary[]>([]);
const positions = reactive<Record<string, number>>({});
/** The run whose state the canvas shows: the one queued last from here, or found running after a reload. */
const activeRunId = ref<string | null>(null);
const activeStatus = ref<RunStatus | null>(null);
const connected = ref(false);
const socketRef = shallowRef<Socket | null>(null);

const queue = computed(() => runs.value.filter((r) => r.status === 'queued' || r.status === 'running').reverse());

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
/** Run events come in bursts; one list request per burst is enough. */
function refreshSoon(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refresh(), 150);
}

async function refresh(): Promise<void> {
  try {
    runs.value = await api.listRuns(50);
  } catch {
    // the server is away; the socket's reconnect brings a refresh
  }
}

function isActive(runId: string): boolean {
  return runId === activeRunId.value;
}

function setNode(node: string, patch: { status?: NodeStatus; value?: number; max?: number; text?: string; message?: string; ms?: number }): void {
  Object.assign(nodeRuntime(node), patch);
}

function showArtifacts(artifacts: readonly Artifact[]): void {
  const perNode = new Map<string, number>();
  for (const a of artifacts) {
    if (!a.mime.startsWith('image/')) continue;
    const i = perNode.get(a.node) ?? 0;
    perNode.set(a.node, i + 1);
    const index = typeof a.meta?.index === 'number' ? a.meta.index : i;
    // A frame already shown from the live stream stays: same picture, no reload flicker.
    if (nodeRuntime(a.node).frames.some((f) => f.index === index)) continue;
    putFrame(a.node, { index, url: artifactUrl(a.id), width: Number(a.meta?.width ?? 0), height: Number(a.meta?.height ?? 0) });
  }
}

/** Applies a RunDetail snapshot: what a (re)connecting client missed. */
function applySnapshot(run: RunDetail): void {
  activeStatus.value = run.status;
  for (const [node, s] of Object.entries(run.nodes ?? {})) {
    setNode(node, { status: s.status, ...(s.value !== undefined ? { value: s.value } : {}), ...(s.max !== undefined ? { max: s.max } : {}), ...(s.text ? { text: s.text } : {}), ...(s.message ? { message: s.message } : {}), ...(s.ms !== undefined ? { ms: s.ms } : {}) });
  }
  showArtifacts(run.artifacts ?? []);
}

function subscribe(runId: string): void {
  const socket = socketRef.value;
  if (!socket?.connected) return; // the connect handler subscribes
  socket.emit('subscribe', { runId }, (ack: { ok: boolean; run?: RunDetail; message?: string }) => {
    if (!isActive(runId)) return;
    if (ack?.ok && ack.run) applySnapshot(ack.run);
    else if (ack && !ack.ok) {
      // The run is gone (data dir reset): stop showing it.
      activeRunId.value = null;
      localStorage.removeItem(ACTIVE_KEY);
    }
  });
}

/** Shows `runId` on the canvas; its state comes from the subscribe snapshot, or is `status` when just queued here. */
function activate(runId: string, status: RunStatus | null = null): void {
  const previous = activeRunId.value;
  if (previous && previous !== runId) socketRef.value?.emit('unsubscribe', { runId: previous });
  clearRunState();
  activeRunId.value = runId;
  activeStatus.value = status ?? runs.value.find((r) => r.id === runId)?.status ?? null;
  localStorage.setItem(ACTIVE_KEY, runId);
  subscribe(runId);
}

function connect(): void {
  if (socketRef.value) return;
  const socket = io({ transports: ['websocket', 'polling'] });
  socketRef.value = socket;
  socket.on('connect', () => {
    connected.value = true;
    void refresh();
    if (activeRunId.value) subscribe(activeRunId.value);
  });
  socket.on('disconnect', () => (connected.value = false));

  socket.on('run:queued', (e: { runId: string; position: number }) => {
    positions[e.runId] = e.position;
    refreshSoon();
  });
  socket.on('run:started', (e: { runId: string }) => {
    delete positions[e.runId];
    if (isActive(e.runId)) activeStatus.value = 'running';
    refreshSoon();
  });
  socket.on('run:finished', (e: { runId: string; status: RunStatus; error?: { node: string; message: string } }) => {
    delete positions[e.runId];
    if (isActive(e.runId)) {
      activeStatus.value = e.status;
      if (e.status === 'failed') notify('error', `Run failed${e.error ? ` at node ${e.error.node}: ${e.error.message}` : ''}`);
      else if (e.status === 'succeeded') notify('success', 'Run finished');
      settleUnfinished();
    }
    refreshSoon();
  });

  socket.on('node:started', (e: { runId: string; node: string }) => {
    if (isActive(e.runId)) setNode(e.node, { status: 'running', value: 0, max: 0 });
  });
  socket.on('node:progress', (e: { runId: string; node: string; value: number; max: number; text?: string }) => {
    if (isActive(e.runId)) setNode(e.node, { status: 'running', value: e.value, max: e.max, ...(e.text ? { text: e.text } : {}) });
  });
  socket.on('node:cached', (e: { runId: string; node: string; artifacts?: Artifact[] }) => {
    if (!isActive(e.runId)) return;
    setNode(e.node, { status: 'cached' });
    showArtifacts(e.artifacts ?? []);
  });
  socket.on('node:finished', (e: { runId: string; node: string; ms: number; artifacts?: Artifact[] }) => {
    if (!isActive(e.runId)) return;
    setNode(e.node, { status: 'done', ms: e.ms });
    showArtifacts(e.artifacts ?? []);
  });
  socket.on('node:failed', (e: { runId: string; node: string; message: string }) => {
    if (isActive(e.runId)) setNode(e.node, { status: 'failed', message: e.message });
  });
  socket.on('frame', (e: FrameEvent) => {
    if (!isActive(e.runId)) return;
    const url = URL.createObjectURL(new Blob([e.data as BlobPart], { type: e.mime }));
    putFrame(e.node, { index: e.index, url, width: e.width, height: e.height }, e.count);
  });
  socket.on('artifact', (e: { runId: string; node: string; artifact: Artifact }) => {
    if (isActive(e.runId)) showArtifacts([e.artifact]);
  });
}

/** After a reload: show the run this tab showed before, or the one the server is busy with. */
async function resume(): Promise<void> {
  await refresh();
  const remembered = localStorage.getItem(ACTIVE_KEY);
  const live = runs.value.find((r) => r.status === 'running') ?? runs.value.find((r) => r.status === 'queued');
  const pick = live?.id ?? (remembered && runs.value.some((r) => r.id === remembered) ? remembered : null);
  if (pick) activate(pick);
}

async function queueRun(document: WorkflowDocument): Promise<{ ok: true; id: string } | { ok: false; error: ApiError | Error }> {
  try {
    const { id } = await api.queueRun(document);
    activate(id, 'queued');
    refreshSoon();
    return { ok: true, id };
  } catch (e) {
    return { ok: false, error: e as Error };
  }
}

async function cancel(runId: string): Promise<void> {
  try {
    await api.cancelRun(runId);
    refreshSoon();
  } catch (e) {
    notify('error', `Cancel failed: ${(e as Error).message}`);
  }
}

export function useRuns() {
  return {
    runs,
    queue,
    positions,
    activeRunId,
    activeStatus,
    connected,
    isFinished: (s: RunStatus) => FINISHED.includes(s),
    connect,
    refresh,
    resume,
    activate,
    queueRun,
    cancel,
  };
}
