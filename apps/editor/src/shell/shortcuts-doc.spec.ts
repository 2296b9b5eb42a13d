// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands';
import { shortcutsBlock, shortcutsMarkdown, SHORTCUTS_BEGIN, SHORTCUTS_END } from './shortcuts-doc';

const README = new URL('../../../../README.md', import.meta.url);

describe('the README shortcut list', () => {
  it('is the one the command table writes (paste the expected block into README.md when a command changes)', () => {
    const block = shortcutsBlock(readFileSync(README, 'utf8'));
    expect(block, `README.md has no ${SHORTCUTS_BEGIN} … ${SHORTCUTS_END} block`).not.toBeNull();
    expect(block).toBe(shortcutsMarkdown(COMMANDS));
  });

  it('lists every key of the table once, and nothing else', () => {
    const table = shortcutsMarkdown(COMMANDS);
    const listed = [...table.matchAll(/<kbd>([^<]+)<\/kbd>/g)].map((m) => m[1]);
    expect(listed).toEqual(COMMANDS.flatMap((c) => c.keys ?? []));
    expect(new Set(listed).size).toBe(listed.length);
  });
});
