// The compare view's commands: its keys, the tooltips of its buttons and its part of the README's shortcut list.
import type { Command } from '../shell/commands';

/** What the compare view's commands act on. */
export interface CompareContext {
  togglePlay(): void;
  step(by: -1 | 1): void;
  first(): void;
  last(): void;
  /** Flicker mode, showing the other run. */
  flicker(): void;
  loopFrom(): void;
  loopTo(): void;
  toggleLoop(): void;
  close(): void;
}

export const COMPARE_COMMANDS: readonly Command<CompareContext>[] = [
  { id: 'compare.play', label: 'Play or pause', keys: ['Space'], run: (c) => c.togglePlay() },
  { id: 'compare.previous', label: 'Previous frame', keys: ['Left'], run: (c) => c.step(-1) },
  { id: 'compare.next', label: 'Next frame', keys: ['Right'], run: (c) => c.step(1) },
  { id: 'compare.first', label: 'First frame', keys: ['Home'], run: (c) => c.first() },
  { id: 'compare.last', label: 'Last frame', keys: ['End'], run: (c) => c.last() },
  { id: 'compare.flicker', label: 'Toggle A/B', keys: ['T'], run: (c) => c.flicker() },
  { id: 'compare.loopFrom', label: 'Loop from this frame', keys: ['I'], run: (c) => c.loopFrom() },
  { id: 'compare.loopTo', label: 'Loop to this frame', keys: ['O'], run: (c) => c.loopTo() },
  { id: 'compare.loop', label: 'Loop on or off', keys: ['L'], run: (c) => c.toggleLoop() },
  { id: 'compare.close', label: 'Back to the editor', keys: ['Escape'], run: (c) => c.close() },
];

/** The compare view's sliders and checkboxes keep the keys working; only fields that take text do not. */
export function typingInCompare(t: EventTarget | null): boolean {
  return t instanceof HTMLElement && (t.isContentEditable || ['TEXTAREA', 'SELECT'].includes(t.tagName) || (t instanceof HTMLInputElement && !['range', 'checkbox'].includes(t.type)));
}
