// Key chords as the command table writes them ('Ctrl+Shift+Z', 'Delete', '/'): matching a keydown, and the
// label menus and the README show. 'Ctrl' is Ctrl or ⌘, so one table serves every platform.

export interface Chord {
  mod: boolean;
  shift: boolean;
  alt: boolean;
  /** `KeyboardEvent.key`, lower-cased. */
  key: string;
}

const MODIFIERS = new Set(['ctrl', 'shift', 'alt']);
/** Names the table writes for keys whose `KeyboardEvent.key` reads badly in a label. */
const KEY_NAMES: Record<string, string> = { space: ' ', left: 'arrowleft', right: 'arrowright', up: 'arrowup', down: 'arrowdown', esc: 'escape' };

export function parseChord(label: string): Chord {
  // '+' alone is a key, so split on '+' only between two parts.
  const parts = label.split(/\+(?=.)/);
  const named = parts.pop()?.toLowerCase() ?? '';
  const key = KEY_NAMES[named] ?? named;
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  for (const m of mods) if (!MODIFIERS.has(m)) throw new Error(`unknown modifier "${m}" in key chord "${label}" (use Ctrl, Shift or Alt)`);
  if (!key || MODIFIERS.has(key)) throw new Error(`key chord "${label}" names no key`);
  return { mod: mods.has('ctrl'), shift: mods.has('shift'), alt: mods.has('alt'), key };
}

/**
 * Whether `e` is `chord`. Shift counts for letters and named keys; for punctuation it is ignored, since which
 * of them need Shift depends on the keyboard layout ('/' is Shift+7 on a German one).
 */
export function matchesChord(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, chord: Chord): boolean {
  if (e.key.toLowerCase() !== chord.key) return false;
  if ((e.ctrlKey || e.metaKey) !== chord.mod || e.altKey !== chord.alt) return false;
  const shiftMatters = chord.shift || /^[a-z0-9]$/.test(chord.key) || chord.key.length > 1;
  return !shiftMatters || e.shiftKey === chord.shift;
}

/** Whether a key goes to a text field (where only commands marked for it apply). */
export function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}
