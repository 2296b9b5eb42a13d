// The data of a comparison: both runs, the sequence each side plays, its frames (lazy or live), the metrics
// and the workflow diff. The view and the player read from here; nothing here draws.
import { nodesWithRole, type NodeSpec, type WorkflowDocument } from '@lvcd/nodes';
import { computed, onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import type { Artifact, RunDetail } from '../api/types';
import { useStudio } from '../stores/studio';
import { ArtifactFrames, LiveFrames, type FrameSource } from './frame-source';
import { rowsOfTruthJson, seriesOf, truthMetricsArtifact, type CompareMetrics } from './metrics';
import type { ComparePair } from './route';
import { isSequence, pickSequence } from './sequences';
import { loadError, metricsLackNote } from './side-notes';
import { diffWorkflows } from './workflow-diff';

export interface SideState {
  run: RunDetail | null;
  /** Sequence artefacts the run has (to choose from when it has several). */
  sequences: Artifact[];
  sequence: Artifact | null;
  source: FrameSource | null;
  error: string;
}

const empty = (): SideState => ({ run: null, sequences: [], sequence: null, source: null, error: '' });
const STILL_GOING = ['queued', 'running'];

/** The node whose frames a live side shows: the one feeding the run's first frames-output node (Save Frames, Save Video, Preview). */
export function liveFrameNode(doc: WorkflowDocument, specs: ReadonlyMap<string, NodeSpec>): string | null {
  const saver = nodesWithRole(doc, specs, 'frames-output')[0];
  const link = saver && doc.links.find((l) => l.to.node === saver.id && l.to.input === 'frames');
  return link?.from.node ?? null;
}

export function useCompare(pair: Ref<ComparePair>, onFrames: () => void) {
  const a = shallowRef<SideState>(empty());
  const b = shallowRef<SideState>(empty());
  const metrics = shallowRef<CompareMetrics | null>(null);
  const metricsNote = ref('');
  const { api, catalogue, socket } = useStudio();
  /** The socket listeners and the run rooms this view holds, let go when it closes. */
  const leaves: (() => void)[] = [];
  let listening = false;
  const watching = new Map<string, () => void>();
  let generation = 0;

  const sideRef = (key: 'a' | 'b') => (key === 'a' ? a : b);

  async function loadSide(key: 'a' | 'b', runId: string, artifactId?: string): Promise<void> {
    const gen = generation;
    const side = sideRef(key);
    side.value.source?.dispose();
    try {
      const run = await api.getRun(runId);
      if (gen !== generation) return;
      const sequences = run.artifacts.filter(isSequence);
      const sequence = sequences.find((s) => s.id === artifactId) ?? pickSequence(run.artifacts) ?? null;
      if (sequence) {
        const info = await api.sequence(sequence.id);
        if (gen !== generation) return;
        side.value = { run, sequences, sequence, source: new ArtifactFrames(sequence.id, info, onFrames), error: '' };
      } else if (STILL_GOING.includes(run.status)) {
        side.value = { run, sequences, sequence: null, source: new LiveFrames(Number(findFps(run, catalogue.specMap.value)) || 12, onFrames), error: '' };
        watchLive(key);
      } else {
        side.value = { ...empty(), run, error: `This run has no frame sequence to compare (status ${run.status}; add Save Frames or Save Video to its workflow).` };
      }
    } catch (e) {
      if (gen === generation) side.value = { ...empty(), error: loadError(runId, e) };
    }
  }

  /** Subscribes to a running run's room; its previews fill the side, and its end swaps in the saved sequence. */
  function listen(): void {
    if (listening) return;
    listening = true;
    socket.connect();
    leaves.push(
      socket.on('frame', (e) => {
        for (const k of ['a', 'b'] as const) {
          const s = sideRef(k).value;
          if (s.run?.id !== e.runId || !(s.source instanceof LiveFrames) || e.node !== liveFrameNode(s.run.document, catalogue.specMap.value)) continue;
          void s.source.push(e.index, e.data, e.mime, e.count, e.width, e.height);
        }
      }),
      socket.on('run:finished', (e) => {
        for (const k of ['a', 'b'] as const) if (sideRef(k).value.run?.id === e.runId) void loadSide(k, e.runId).then(sideSettled);
      }),
    );
  }

  function watchLive(key: 'a' | 'b'): void {
    listen();
    const runId = sideRef(key).value.run!.id;
    if (watching.has(runId)) return;
    // The run may end between loading this side and joining its room, and then no run:finished reaches us:
    // the subscribe answer carries the run's status, so a run already over swaps in its saved sequence here.
    const leave = socket.subscribe(runId, (ack) => {
      for (const k of ['a', 'b'] as const) {
        const side = sideRef(k).value;
        if (ack.ok && !STILL_GOING.includes(ack.run.status) && side.run?.id === runId && side.source instanceof LiveFrames) void loadSide(k, runId).then(sideSettled);
      }
    });
    watching.set(runId, leave);
  }

  /** Leaves the rooms of runs neither side shows live any more. */
  function leaveFinished(): void {
    for (const [runId, leave] of watching) {
      const live = (['a', 'b'] as const).some((k) => sideRef(k).value.run?.id === runId && sideRef(k).value.source instanceof LiveFrames);
      if (live) continue;
      leave();
      watching.delete(runId);
    }
  }

  /** A live side has swapped in its saved sequence: its room is no longer needed, and metrics can be measured. */
  function sideSettled(): Promise<void> {
    leaveFinished();
    return loadMetrics();
  }

  async function loadMetrics(): Promise<void> {
    const gen = generation;
    metrics.value = null;
    const [ra, rb] = [a.value.run, b.value.run];
    if (!ra || !rb) {
      metricsNote.value = metricsLackNote(a.value, b.value);
      return;
    }
    const truthA = truthMetricsArtifact(ra, catalogue.specMap.value);
    const truthB = truthMetricsArtifact(rb, catalogue.specMap.value);
    try {
      if (truthA && truthB) {
        metricsNote.value = 'Loading metrics…';
        const [ja, jb] = await Promise.all([api.artifactJson(truthA), api.artifactJson(truthB)]);
        if (gen !== generation) return;
        metrics.value = { mode: 'truth', series: [seriesOf('A vs truth', rowsOfTruthJson(ja)), seriesOf('B vs truth', rowsOfTruthJson(jb))] };
        metricsNote.value = 'PSNR/SSIM of each run against its ground truth (Quality Metrics node)';
      } else if (a.value.sequence && b.value.sequence) {
        metricsNote.value = 'Measuring B against A…';
        const pairMetrics = await api.pairMetrics(a.value.sequence.id, b.value.sequence.id);
        if (gen !== generation) return;
        metrics.value = { mode: 'pair', series: [seriesOf('B vs A', pairMetrics.frames)] };
        metricsNote.value = 'No ground truth in both runs: PSNR/SSIM of B against A';
      } else {
        metricsNote.value = metricsLackNote(a.value, b.value);
      }
    } catch (e) {
      if (gen === generation) metricsNote.value = `Metrics unavailable: ${(e as Error).message}`;
    }
  }

  async function load(): Promise<void> {
    generation++;
    metrics.value = null;
    // Which nodes save frames or measure them comes from the catalogue's roles; a compare link opened first loads it.
    if (catalogue.specMap.value.size === 0) await catalogue.load();
    await Promise.all([loadSide('a', pair.value.a), loadSide('b', pair.value.b)]);
    leaveFinished();
    await loadMetrics();
  }

  /** Plays another sequence artefact of one run (a run with both Save Frames and Save Video). */
  async function chooseSequence(key: 'a' | 'b', artifactId: string): Promise<void> {
    const run = sideRef(key).value.run;
    if (!run) return;
    await loadSide(key, run.id, artifactId);
    if (truthMetricsArtifact(a.value.run!, catalogue.specMap.value) && truthMetricsArtifact(b.value.run!, catalogue.specMap.value)) return;
    await loadMetrics();
  }

  const diff = computed(() => (a.value.run && b.value.run ? diffWorkflows(a.value.run.document, b.value.run.document, catalogue.specMap.value) : []));

  watch(pair, () => void load(), { deep: true });

  onBeforeUnmount(() => {
    generation++;
    a.value.source?.dispose();
    b.value.source?.dispose();
    for (const leave of [...leaves, ...watching.values()]) leave();
    watching.clear();
  });

  return { a, b, metrics, metricsNote, diff, load, chooseSequence };
}

/** The frame rate a running run will play at: its clip loader's fps param, when it has one. */
function findFps(run: RunDetail, specs: ReadonlyMap<string, NodeSpec>): unknown {
  return nodesWithRole(run.document, specs, 'clip-source')[0]?.params.fps;
}
