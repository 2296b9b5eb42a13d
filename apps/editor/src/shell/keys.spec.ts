import { describe, expect, it } from 'vitest';
import { matchesChord, parseChord } from './keys';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('key chords', () => {
  it('parses modifiers and the key, "+" included as a key', () => {
    expect(parseChord('Ctrl+Shift+Z')).toEqual({ mod: true, shift: true, alt: false, key: 'z' });
    expect(parseChord('Delete')).toEqual({ mod: false, shift: false, alt: false, key: 'delete' });
    expect(parseChord('Ctrl++')).toEqual({ mod: true, shift: false, alt: false, key: '+' });
  });

  it('refuses a chord with an unknown modifier or no key', () => {
    expect(() => parseChord('Cmd+S')).toThrow('unknown modifier "cmd" in key chord "Cmd+S" (use Ctrl, Shift or Alt)');
    expect(() => parseChord('Ctrl+Shift')).toThrow('names no key');
  });

  it('takes Ctrl or ⌘ for Ctrl, and tells Ctrl+Z from Ctrl+Shift+Z', () => {
    const undo = parseChord('Ctrl+Z');
    const redo = parseChord('Ctrl+Shift+Z');
    expect(matchesChord(key('z', { ctrlKey: true }), undo)).toBe(true);
    expect(matchesChord(key('z', { metaKey: true }), undo)).toBe(true);
    expect(matchesChord(key('Z', { ctrlKey: true, shiftKey: true }), undo)).toBe(false);
    expect(matchesChord(key('Z', { ctrlKey: true, shiftKey: true }), redo)).toBe(true);
    expect(matchesChord(key('z'), undo)).toBe(false);
    expect(matchesChord(key('z', { ctrlKey: true, altKey: true }), undo)).toBe(false);
  });

  it('ignores Shift for punctuation, whose Shift depends on the layout, but not for letters', () => {
    expect(matchesChord(key('/', { shiftKey: true }), parseChord('/'))).toBe(true);
    expect(matchesChord(key('A', { shiftKey: true }), parseChord('Shift+A'))).toBe(true);
    expect(matchesChord(key('a'), parseChord('Shift+A'))).toBe(false);
    expect(matchesChord(key('/', { ctrlKey: true }), parseChord('/'))).toBe(false);
  });
});
