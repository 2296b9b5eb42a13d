// The Workers panel's data: GET /api/workers polled while the panel is open (heartbeats change every second,
// and nothing pushes them), each worker with how long ago it was last heard from.
import type { WorkerView } from '@lvcd/nodes';
import { computed, ref } from 'vue';
import type { ApiClient } from '../api/client';
import { describeWorker, type WorkerRow } from './worker-row';

/** How often the open panel asks again: a heartbeat is a second apart, a worker is gone after five. */
export const WORKERS_REFRESH_MS = 2000;

export interface WorkersDeps {
  api: Pick<ApiClient, 'listWorkers'>;
  /** The clock staleness is measured on (tests give their own). */
  now?: () => number;
  intervalMs?: number;
}

export function createWorkers({ api, now = Date.now, intervalMs = WORKERS_REFRESH_MS }: WorkersDeps) {
  const list = ref<WorkerView[]>([]);
  /** Why the last refresh failed; cleared by the next one that works. The list stays as it was. */
  const error = ref('');
  const loaded = ref(false);
  /** When the list was read: staleness counts from the clock, so a worker that stops beating greys out between reads. */
  const readAt = ref(0);
  let timer: ReturnType<typeof setInterval> | undefined;
  let watchers = 0;

  async function refresh(): Promise<void> {
    try {
      list.value = await api.listWorkers();
      error.value = '';
      loaded.value = true;
    } catch (e) {
      error.value = (e as Error).message;
    }
    readAt.value = now();
  }

  /** A panel opened: refresh now and every interval until the last one closes. */
  function watch(): () => void {
    watchers += 1;
    if (watchers === 1) {
      void refresh();
      timer = setInterval(() => void refresh(), intervalMs);
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      watchers -= 1;
      if (watchers === 0) clearInterval(timer);
    };
  }

  const rows = computed<WorkerRow[]>(() => list.value.map((w) => describeWorker(w, readAt.value)));

  return { list, rows, error, loaded, refresh, watch, polling: () => watchers > 0 };
}

export type WorkersStore = ReturnType<typeof createWorkers>;
