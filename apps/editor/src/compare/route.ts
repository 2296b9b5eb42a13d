// The compare view's address: `#/compare/<runA>/<runB>`, so a comparison can be shared and survives a reload.
import { onBeforeUnmount, onMounted, ref } from 'vue';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ROUTE = new RegExp(`^#/compare/(${UUID})/(${UUID})$`, 'i');

export interface ComparePair {
  a: string;
  b: string;
}

export function compareHash(a: string, b: string): string {
  return `#/compare/${a}/${b}`;
}

/** The pair a hash names, or null for any other hash (the editor). */
export function parseCompareHash(hash: string): ComparePair | null {
  const m = ROUTE.exec(hash);
  return m ? { a: m[1]!.toLowerCase(), b: m[2]!.toLowerCase() } : null;
}

export function openCompare(a: string, b: string): void {
  location.hash = compareHash(a, b);
}

/** Back to the editor; a pushed entry keeps the browser's back button returning to the comparison. */
export function closeCompare(): void {
  history.pushState(null, '', location.pathname + location.search);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** The pair in the address bar, kept up to date as the hash changes. */
export function useCompareRoute() {
  const pair = ref<ComparePair | null>(parseCompareHash(location.hash));
  const update = () => (pair.value = parseCompareHash(location.hash));
  onMounted(() => window.addEventListener('hashchange', update));
  onBeforeUnmount(() => window.removeEventListener('hashchange', update));
  return pair;
}
