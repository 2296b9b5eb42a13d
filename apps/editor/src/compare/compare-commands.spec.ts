import { describe, expect, it } from 'vitest';
import { createCommandRunner } from '../shell/command-runner';
import { COMPARE_COMMANDS, typingInCompare, type CompareContext } from './compare-commands';

function runner() {
  const calls: string[] = [];
  const ctx: CompareContext = {
    togglePlay: () => void calls.push('play'),
    step: (by) => void calls.push(`step ${by}`),
    first: () => void calls.push('first'),
    last: () => void calls.push('last'),
    flicker: () => void calls.push('flicker'),
    loopFrom: () => void calls.push('from'),
    loopTo: () => void calls.push('to'),
    toggleLoop: () => void calls.push('loop'),
    close: () => void calls.push('close'),
  };
  return { calls, commands: createCommandRunner(COMPARE_COMMANDS, ctx, { typing: typingInCompare }) };
}

const keydown = (key: string, target: HTMLElement = document.body, init: KeyboardEventInit = {}) => {
  const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  Object.defineProperty(e, 'target', { value: target });
  return e;
};

describe('the compare view commands', () => {
  it('map the player keys, named keys included', () => {
    const { calls, commands } = runner();
    for (const key of [' ', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 't', 'i', 'o', 'l', 'Escape']) expect(commands.onKeyDown(keydown(key))).toBe(true);
    expect(calls).toEqual(['play', 'step -1', 'step 1', 'first', 'last', 'flicker', 'from', 'to', 'loop', 'close']);
  });

  it('keep working on a focused slider or checkbox, not in the fps field, and leave Ctrl chords to the browser', () => {
    const { calls, commands } = runner();
    const slider = Object.assign(document.createElement('input'), { type: 'range' });
    const fps = Object.assign(document.createElement('input'), { type: 'number' });
    expect(commands.onKeyDown(keydown('ArrowRight', slider))).toBe(true);
    expect(commands.onKeyDown(keydown('ArrowRight', fps))).toBe(false);
    expect(commands.onKeyDown(keydown('t', document.body, { ctrlKey: true }))).toBe(false);
    expect(calls).toEqual(['step 1']);
  });

  it('title the transport buttons from the table', () => {
    const { commands } = runner();
    expect(commands.title('compare.play', 'Pause')).toBe('Pause (Space)');
    expect(commands.title('compare.close')).toBe('Back to the editor (Escape)');
  });
});
