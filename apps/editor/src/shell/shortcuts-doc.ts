// The README's "Keyboard shortcuts" table, written from the command table (a spec checks the README has it).
import type { Command } from './commands';

export const SHORTCUTS_BEGIN = '<!-- shortcuts:begin (generated from apps/editor/src/shell/commands.ts; run `npx vitest run src/shell` in apps/editor to check) -->';
export const SHORTCUTS_END = '<!-- shortcuts:end -->';

export function shortcutsMarkdown(commands: readonly Command[]): string {
  const rows = commands
    .filter((c) => c.keys?.length)
    .map((c) => {
      const keys = (c.keys ?? []).map((k) => `<kbd>${k}</kbd>`).join(' or ');
      const how = [keys, c.gesture].filter(Boolean).join(', ');
      return `| ${how} | ${c.label}${c.inTextFields ? ' (also while typing in a field)' : ''} |`;
    });
  return [SHORTCUTS_BEGIN, '', 'Ctrl is ⌘ on a Mac.', '', '| Keys | Command |', '| --- | --- |', ...rows, '', SHORTCUTS_END].join('\n');
}

/** The generated block inside `readme`, or null when its markers are missing. */
export function shortcutsBlock(readme: string): string | null {
  const begin = readme.indexOf(SHORTCUTS_BEGIN);
  const end = readme.indexOf(SHORTCUTS_END);
  return begin >= 0 && end > begin ? readme.slice(begin, end + SHORTCUTS_END.length) : null;
}
