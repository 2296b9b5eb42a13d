// Runs: queueing, per-node state of the run shown on the canvas (from the tab's socket), the queue and the history.
import type { NodeState, WorkflowDocument } from '@lvcd/nodes';
import { computed, reactive, ref } from 'vue';
import { artifactUrl, type ApiClient, type ApiError } from '../api/client';
import type { RunSocket } from '../api/run-socket';
import type { Artifact, RunDetail, RunStatus, RunSummary } from '../api/types';
import { cancelledNotice, type LastProgress } from './cancel-notice';
import type { MeasuredQuality, NodeRuntimeStore } from './node-runtime';
import { furtherRunStatus, isBehind } from './run-order';
import type { Notify } from './toasts';

const ACTIVE_KEY = 'lvcd-studio:active-run';
const FINISHED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];
/** Run-level broadcasts remembered for runs not shown (yet): enough for the runs one tab queues at once. */
const HEARD_LIMIT = 200;

export interface RunsDeps {
  api: Pick<ApiClient, 'listRuns' | 'queueRun' | 'cancelRun'>;
  socket: RunSocket;
  runtime: NodeRuntimeStore;
  notify: Notify;
  /** Where the tab remembers the run it shows, across reloads. */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Shows frames of a saved sequence artefact on its nodes (outputs/sequence-replay), while its run is shown. */
  replay?: (artifact: Artifact, stillShown: () => boolean) => Promise<void>;
}

export function createRuns({ api, socket, runtime, notify, storage = localStorage, replay }: RunsDeps) {
  const runs = ref<RunSummary[]>([]);
  const positions = reactive<Record<string, number>>({});
  /** The run whose state the canvas shows: the one queued last from here, or found running after a reload. */
  const activeRunId = ref<string | null>(null);
  const activeStatus = ref<RunStatus | null>(null);
  const queue = computed(() => runs.value.filter((r) => r.status === 'queued' || r.status === 'running').reverse());
  let leaveActive: (() => void) | null = null;
  let listening = false;
  /** The furthest status each run's broadcasts said, so a run activated after its run:started still knows it. */
  const heard = new Map<string, RunStatus>();
  /** Runs this tab asked to cancel: their end gets a toast saying where they stopped. */
  const cancelling = new Set<string>();
  let lastProgress: LastProgress | null = null;

  function hear(runId: string, status: RunStatus): void {
    heard.delete(runId);
    heard.set(runId, furtherRunStatus(heard.get(runId), status)!);
    if (heard.size > HEARD_LIMIT) heard.delete(heard.keys().next().value!);
    if (isActive(runId)) activeStatus.value = furtherRunStatus(activeStatus.value, status);
  }

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

  const isActive = (runId: string) => runId === activeRunId.value;

  function showArtifacts(artifacts: readonly Artifact[]): void {
    const perNode = new Map<string, number>();
    const shown = activeRunId.value;
    for (const a of artifacts) {
      void replay?.(a, () => activeRunId.value === shown);
      const metrics = measuredQuality(a);
      if (metrics) runtime.setRunState(a.node, { metrics });
      if (!a.mime.startsWith('image/')) continue;
      const i = perNode.get(a.node) ?? 0;
      perNode.set(a.node, i + 1);
      const index = typeof a.meta?.index === 'number' ? a.meta.index : i;
      // A frame already shown from the live stream stays: same picture, no reload flicker.
      if (runtime.nodeRuntime(a.node).frames.some((f) => f.index === index)) continue;
      runtime.putFrame(a.node, { index, url: artifactUrl(a.id), width: Number(a.meta?.width ?? 0), height: Number(a.meta?.height ?? 0) });
    }
  }

  /** Applies a RunDetail snapshot: what a (re)connecting client missed. */
  function applySnapshot(run: RunDetail): void {
    activeStatus.value = furtherRunStatus(activeStatus.value, run.status);
    for (const [node, s] of Object.entries(run.nodes ?? {})) {
      if (!isBehind(runtime.nodeRuntime(node).status, s.status)) runtime.setRunState(node, definedOf(s));
    }
    showArtifacts(run.artifacts ?? []);
  }

  /** Stops showing a run: the canvas shows a workflow that run did not run (another was opened, or it was cleared). */
  function leave(): void {
    runtime.clearRunState();
    // Nothing shown yet (the start of a session): the run remembered from the last one stays for resume().
    if (activeRunId.value === null) return;
    leaveActive?.();
    leaveActive = null;
    activeRunId.value = null;
    activeStatus.value = null;
    storage.removeItem(ACTIVE_KEY);
  }

  /** Shows `runId` on the canvas; its state comes from the subscribe snapshot, or is `status` when just queued here. */
  function activate(runId: string, status: RunStatus | null = null): void {
    leaveActive?.();
    runtime.clearRunState();
    activeRunId.value = runId;
    const listed = runs.value.find((r) => r.id === runId)?.status;
    activeStatus.value = furtherRunStatus(furtherRunStatus(status, listed), heard.get(runId));
    storage.setItem(ACTIVE_KEY, runId);
    leaveActive = socket.subscribe(runId, (ack) => {
      if (!isActive(runId)) return;
      if (ack.ok) return applySnapshot(ack.run);
      // The run is gone (data dir reset): stop showing it.
      leaveActive?.();
      leaveActive = null;
      activeRunId.value = null;
      storage.removeItem(ACTIVE_KEY);
    });
  }

  function listen(): void {
    socket.onConnect(() => void refresh());
    socket.on('run:queued', (e) => {
      positions[e.runId] = e.position;
      refreshSoon();
    });
    socket.on('run:started', (e) => {
      delete positions[e.runId];
      hear(e.runId, 'running');
      refreshSoon();
    });
    socket.on('run:finished', (e) => {
      delete positions[e.runId];
      hear(e.runId, e.status);
      const asked = cancelling.delete(e.runId);
      if (e.status === 'cancelled' && (asked || isActive(e.runId))) notify('info', cancelledNotice(lastProgress?.runId === e.runId ? lastProgress : null));
      if (isActive(e.runId)) {
        if (e.status === 'failed') notify('error', `Run failed${e.error ? ` at node ${e.error.node}${e.error.field ? ` (${e.error.field})` : ''}: ${e.error.message}` : ''}`);
        else if (e.status === 'succeeded') notify('success', 'Run finished');
        runtime.settleUnfinished();
      }
      refreshSoon();
    });
    socket.on('node:started', (e) => {
      if (isActive(e.runId)) runtime.setRunState(e.node, { status: 'running', value: 0, max: 0 });
    });
    socket.on('node:progress', (e) => {
      if (!isActive(e.runId)) return;
      lastProgress = { runId: e.runId, node: e.node, value: e.value, max: e.max, ...(e.text ? { text: e.text } : {}) };
      runtime.setRunState(e.node, { status: 'running', value: e.value, max: e.max, ...(e.text ? { text: e.text } : {}) });
    });
    socket.on('node:cached', (e) => {
      if (!isActive(e.runId)) return;
      runtime.setRunState(e.node, { status: 'cached' });
      showArtifacts(e.artifacts);
    });
    socket.on('node:finished', (e) => {
      if (!isActive(e.runId)) return;
      runtime.setRunState(e.node, { status: 'done', ms: e.ms });
      showArtifacts(e.artifacts);
    });
    socket.on('node:bypassed', (e) => {
      if (isActive(e.runId)) runtime.setRunState(e.node, { status: 'bypassed' });
    });
    socket.on('node:failed', (e) => {
      if (isActive(e.runId)) runtime.setRunState(e.node, { status: 'failed', message: e.message, ...(e.field ? { field: e.field } : {}) });
    });
    socket.on('frame', (e) => {
      if (!isActive(e.runId)) return;
      const url = URL.createObjectURL(new Blob([e.data as BlobPart], { type: e.mime }));
      runtime.putFrame(e.node, { index: e.index, url, width: e.width, height: e.height }, e.count);
    });
    socket.on('artifact', (e) => {
      if (isActive(e.runId)) showArtifacts([e.artifact]);
    });
  }

  /** Starts following the server: its run events, and the socket itself. */
  function connect(): void {
    if (!listening) listen();
    listening = true;
    socket.connect();
  }

  /**
   * After a reload: show the run this tab showed before, or else the live (or latest) run of the saved workflow
   * now shown, `workflowId`. Never a run of another workflow: its state would land on nodes it did not run, so
   * `keepRemembered` is false when the tab opens another workflow than the one it showed last.
   */
  async function resume(workflowId: string | null, keepRemembered = true): Promise<void> {
    await refresh();
    const remembered = keepRemembered ? storage.getItem(ACTIVE_KEY) : null;
    if (remembered && runs.value.some((r) => r.id === remembered)) return activate(remembered);
    const ofShown = workflowId ? runs.value.filter((r) => r.workflowId === workflowId) : [];
    const pick = ofShown.find((r) => r.status === 'running') ?? ofShown.find((r) => r.status === 'queued') ?? ofShown[0];
    if (pick) activate(pick.id);
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
    // A long step (an LVCD denoiser step) runs to its end before the run stops: say the cancel was heard.
    notify('info', 'Cancelling…');
    cancelling.add(runId);
    try {
      await api.cancelRun(runId);
      refreshSoon();
    } catch (e) {
      cancelling.delete(runId);
      notify('error', `Cancel failed: ${(e as Error).message}`);
    }
  }

  return {
    runs,
    queue,
    positions,
    activeRunId,
    activeStatus,
    connected: socket.connected,
    isFinished: (s: RunStatus) => FINISHED.includes(s),
    connect,
    refresh,
    resume,
    activate,
    leave,
    queueRun,
    cancel,
  };
}

export type RunsStore = ReturnType<typeof createRuns>;

/** A snapshot's node state with its absent fields left out, so they do not overwrite what the stream said. */
function definedOf(s: NodeState): Partial<NodeState> {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined && v !== '')) as Partial<NodeState>;
}

/** A metrics artefact's summary (Quality Metrics writes mean PSNR and SSIM in its JSON artefact's meta). */
function measuredQuality(a: Artifact): MeasuredQuality | undefined {
  const m = a.meta;
  if (a.mime !== 'application/json' || typeof m?.meanPsnr !== 'number' || typeof m.meanSsim !== 'number') return undefined;
  return { psnr: m.meanPsnr, ssim: m.meanSsim, frames: typeof m.frames === 'number' ? m.frames : 0, artifact: a.id, ...(typeof m.protocol === 'string' ? { protocol: m.protocol } : {}) };
}
