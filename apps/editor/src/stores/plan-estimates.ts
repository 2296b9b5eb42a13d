// The estimates of the workflow's costly nodes (LVCD Colorize and Sample) before queueing: asked of the server
// (POST /api/plan) once edits pause, so a node shows its memory and time as its params change.
import type { WorkflowDocument } from '@lvcd/nodes';
import { shallowRef, watch, type Ref } from 'vue';
import type { ApiClient } from '../api/client';
import type { NodePlanEstimate } from '../api/plan-types';

/** Edits come in bursts (typing a number, dragging a slider): one request once they pause this long. */
export const PLAN_DEBOUNCE_MS = 600;

export function createPlanEstimates({ api, doc, debounceMs = PLAN_DEBOUNCE_MS }: { api: Pick<ApiClient, 'plan'>; doc: Ref<WorkflowDocument>; debounceMs?: number }) {
  const byNode = shallowRef<Readonly<Record<string, NodePlanEstimate>>>({});
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;

  async function refresh(): Promise<void> {
    clearTimeout(timer);
    const mine = ++asked;
    const document = doc.value;
    let next: Record<string, NodePlanEstimate> = {};
    if (document.nodes.length > 0) {
      try {
        next = Object.fromEntries((await api.plan(document)).nodes.map((n) => [n.node, n]));
      } catch {
        // A document the server cannot plan yet (a link missing, an asset not uploaded) has no estimate: the
        // problems panel says why, so nothing is shown here.
      }
    }
    // An answer to an older document never replaces a newer one's.
    if (mine === asked) byNode.value = next;
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), debounceMs);
  }

  watch(doc, schedule);
  return { byNode, refresh, schedule, dispose: () => clearTimeout(timer) };
}

export type PlanEstimates = ReturnType<typeof createPlanEstimates>;
