const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * Orders file names the way people number frames: frame_2 before frame_10, folders first by path.
 * Uses a numeric collator rather than a hand-written tokenizer, so "1.png, 2.png, 10.png" sorts as meant.
 */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function naturalSort(names: readonly string[]): string[] {
  return [...names].sort(naturalCompare);
}
