// The outputs gallery's state: the filters, the outputs loaded so far (page by page, newest first) and the total.
import type { OutputKind, OutputView, RunStatus } from '@lvcd/nodes';
import { reactive, ref, watch } from 'vue';
import type { ApiClient } from '../api/client';

export const OUTPUTS_PAGE = 24;

export interface OutputFilter {
  kind: OutputKind | '';
  /** A saved workflow's id; empty for every workflow. */
  workflow: string;
  status: RunStatus | '';
}

/** The query string of one page of GET /api/artifacts; empty filters are left out. */
export function outputsQuery(filter: OutputFilter, offset: number, limit = OUTPUTS_PAGE): string {
  const q = new URLSearchParams();
  if (filter.kind) q.set('kind', filter.kind);
  if (filter.workflow) q.set('workflow', filter.workflow);
  if (filter.status) q.set('status', filter.status);
  q.set('limit', String(limit));
  q.set('offset', String(offset));
  return q.toString();
}

export function createOutputs(api: Pick<ApiClient, 'listOutputs'>) {
  const filter = reactive<OutputFilter>({ kind: '', workflow: '', status: '' });
  const items = ref<OutputView[]>([]);
  const total = ref(0);
  const loading = ref(false);
  const error = ref('');
  /** Bumped by every first-page load, so a slow answer for filters since changed is dropped. */
  let generation = 0;

  async function fetchPage(offset: number, replace: boolean): Promise<void> {
    const mine = replace ? ++generation : generation;
    loading.value = true;
    try {
      const page = await api.listOutputs(outputsQuery(filter, offset));
      if (mine !== generation) return;
      items.value = replace ? page.items : [...items.value, ...page.items];
      total.value = page.total;
      error.value = '';
    } catch (e) {
      if (mine === generation) error.value = (e as Error).message;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /** The first page for the filters now set. */
  const load = () => fetchPage(0, true);
  /** The next page, appended; once at a time, or two answers would append the same page. */
  const more = async () => (loading.value ? undefined : fetchPage(items.value.length, false));

  watch(() => ({ ...filter }), () => void load());

  return { filter, items, total, loading, error, load, more, hasMore: () => items.value.length < total.value };
}

export type OutputsStore = ReturnType<typeof createOutputs>;
