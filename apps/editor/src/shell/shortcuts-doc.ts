// The README's "Keyboard shortcuts" tables, written from the command tables (a spec checks the README has them).
import { COMPARE_COMMANDS } from '../compare/compare-commands';
import { COMMANDS, type Command } from './commands';

export const SHORTCUTS_BEGIN = '<!-- shortcuts:begin (generated from the command tables, apps/editor/src/shell/commands.ts and src/compare/compare-commands.ts; `npx vitest run src/shell` in apps/editor checks it) -->';
export const SHORTCUTS_END = '<!-- shortcuts:end -->';

export interface ShortcutSection {
  title: string;
  commands: readonly Command<never>[];
}

function table(commands: readonly Command<never>[]): string[] {
  const rows = commands
    .filter((c) => c.keys?.length)
    .map((c) => {
      const keys = (c.keys ?? []).map((k) => `<kbd>${k}</kbd>`).join(' or ');
      const how = [keys, c.gesture].filter(Boolean).join(', ');
      return `| ${how} | ${c.label}${c.inTextFields ? ' (also while typing in a field)' : ''} |`;
    });
  return ['| Keys | Command |', '| --- | --- |', ...rows];
}

/** The README's sections, in order. */
export const README_SECTIONS: readonly ShortcutSection[] = [
  { title: 'On the canvas', commands: COMMANDS },
  { title: 'In the compare view', commands: COMPARE_COMMANDS },
];

export function shortcutsMarkdown(sections: readonly ShortcutSection[]): string {
  const body = sections.flatMap((s) => [`${s.title}:`, '', ...table(s.commands), '']);
  return [SHORTCUTS_BEGIN, '', 'Ctrl is ⌘ on a Mac.', '', ...body, SHORTCUTS_END].join('\n');
}

/** The generated block inside `readme`, or null when its markers are missing. */
export function shortcutsBlock(readme: string): string | null {
  const begin = readme.indexOf(SHORTCUTS_BEGIN);
  const end = readme.indexOf(SHORTCUTS_END);
  return begin >= 0 && end > begin ? readme.slice(begin, end + SHORTCUTS_END.length) : null;
}
