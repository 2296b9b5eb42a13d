// The node catalogue from GET /api/nodes: the palette, the add menu and validation all read it.
import type { NodeSpec } from '@lvcd/nodes';
import { computed, shallowRef } from 'vue';
import type { ApiClient } from '../api/client';

export function createCatalogue(api: Pick<ApiClient, 'nodes'>) {
  const specs = shallowRef<NodeSpec[]>([]);
  const specMap = computed(() => new Map(specs.value.map((s) => [s.type, s])));
  const categories = computed(() => {
    const by = new Map<string, NodeSpec[]>();
    for (const s of specs.value) by.set(s.category, [...(by.get(s.category) ?? []), s]);
    return [...by.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, list]) => ({ name, specs: list.sort((a, b) => a.title.localeCompare(b.title)) }));
  });

  async function load(): Promise<void> {
    specs.value = await api.nodes();
  }

  return { specs, specMap, categories, load };
}

export type CatalogueStore = ReturnType<typeof createCatalogue>;

/** Search by words in the title, type, category or description; every word must match. */
export function searchSpecs(list: readonly NodeSpec[], query: string): NodeSpec[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (first === undefined) return [...list];
  const scored = list
    .map((s) => {
      const hay = `${s.title} ${s.type} ${s.category} ${s.description}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) return null;
      const title = s.title.toLowerCase();
      return { s, score: title.startsWith(first) ? 0 : title.includes(first) ? 1 : 2 };
    })
    .filter((x): x is { s: NodeSpec; score: number } => x !== null);
  return scored.sort((a, b) => a.score - b.score || a.s.title.localeCompare(b.s.title)).map((x) => x.s);
}
