// ComfyUI's batch count: the count next to Queue, and which seed it steps. Queueing N > 1 sends one batch request
// (the server writes out the N workflows and counts them all against the queue limit); the first run is shown.
import type { NodeSpec, WorkflowDocument } from '@lvcd/nodes';
import { ref } from 'vue';
import type { ApiClient, ApiError } from '../api/client';
import type { RunBatch } from '../api/types';
import type { RunsStore } from '../stores/runs';

/** The server's limit on one batch (POST /api/runs). */
export const MAX_BATCH = 100;

export interface BatchDeps {
  api: Pick<ApiClient, 'queueBatch'>;
  runs: Pick<RunsStore, 'queueRun' | 'activate' | 'refresh'>;
  specs: () => ReadonlyMap<string, NodeSpec>;
}

/** The seed the batch steps and the values its runs get: "seed of #colorize: 1234 to 1236". */
export interface BatchSeed {
  node: string;
  param: string;
  first: number;
  /** +1, or -1 under a `decrement` control after run (ComfyUI counts down then). */
  step: 1 | -1;
}

export type BatchQueued = { ok: true; ids: string[]; seed: BatchSeed | null } | { ok: false; error: ApiError | Error };

export function createBatch({ api, runs, specs }: BatchDeps) {
  const count = ref(1);

  /** A typed count kept to a whole number in 1..MAX_BATCH (an empty or odd field means 1). */
  function setCount(raw: number): void {
    count.value = Number.isFinite(raw) ? Math.min(MAX_BATCH, Math.max(1, Math.round(raw))) : 1;
  }

  /**
   * The seed ComfyUI would step (after each queued prompt): the first node, in document order, that is not
   * bypassed and has a seed param, counted down under a `decrement` control and up otherwise (fixed and randomise
   * too: a batch of one seed N times would draw the same noise N times). Other whole-number params are left alone.
   */
  function seedOf(doc: WorkflowDocument): BatchSeed | null {
    const map = specs();
    for (const node of doc.nodes) {
      if (node.bypass) continue;
      const param = map.get(node.type)?.params.find((p) => p.schema.kind === 'seed');
      if (!param || param.schema.kind !== 'seed') continue;
      const value = node.params[param.name];
      const step = node.ui?.afterRun?.[param.name] === 'decrement' ? -1 : 1;
      return { node: node.id, param: param.name, first: typeof value === 'number' ? value : param.schema.default, step };
    }
    return null;
  }

  async function queue(doc: WorkflowDocument): Promise<BatchQueued> {
    const n = count.value;
    if (n === 1) {
      const one = await runs.queueRun(doc);
      return one.ok ? { ok: true, ids: [one.id], seed: null } : one;
    }
    const seed = seedOf(doc);
    const batch: RunBatch = { count: n, ...(seed ? { vary: { node: seed.node, param: seed.param, step: seed.step } } : {}) };
    try {
      const { ids } = await api.queueBatch(doc, batch);
      // The first runs first: the canvas follows it, the queue panel lists the rest.
      runs.activate(ids[0]!, 'queued');
      void runs.refresh();
      return { ok: true, ids, seed };
    } catch (e) {
      return { ok: false, error: e as Error };
    }
  }

  return { count, setCount, seedOf, queue };
}

export type BatchStore = ReturnType<typeof createBatch>;

/** The toast after queueing: "Queued", or "Queued 3 runs (seed of #7: 1234 to 1236)". */
export function queuedText(ids: readonly string[], seed: BatchSeed | null): string {
  if (ids.length === 1) return 'Queued';
  const varied = seed ? ` (${seed.param} of #${seed.node}: ${seed.first} to ${seed.first + (ids.length - 1) * seed.step})` : ' (the same workflow each)';
  return `Queued ${ids.length} runs${varied}`;
}
