// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPARE_COMMANDS } from '../compare/compare-commands';
import { COMMANDS } from './commands';
import { README_SECTIONS as SECTIONS, shortcutsBlock, shortcutsMarkdown, SHORTCUTS_BEGIN, SHORTCUTS_END } from './shortcuts-doc';

const README = new URL('../../../../README.md', import.meta.url);

describe('the README shortcut list', () => {
  it('is the one the command tables write (paste the expected block into README.md when a command changes)', () => {
    const block = shortcutsBlock(readFileSync(README, 'utf8'));
    expect(block, `README.md has no ${SHORTCUTS_BEGIN} … ${SHORTCUTS_END} block`).not.toBeNull();
    expect(block).toBe(shortcutsMarkdown(SECTIONS));
  });

  it('lists every key of the tables once per table, and nothing else', () => {
    const listed = [...shortcutsMarkdown(SECTIONS).matchAll(/<kbd>([^<]+)<\/kbd>/g)].map((m) => m[1]);
    expect(listed).toEqual([...COMMANDS, ...COMPARE_COMMANDS].flatMap((c) => c.keys ?? []));
    for (const table of [COMMANDS, COMPARE_COMMANDS]) {
      const keys = table.flatMap((c) => c.keys ?? []);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});
