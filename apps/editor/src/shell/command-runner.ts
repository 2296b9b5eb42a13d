// Runs the command table: keydowns to commands, menu items and toolbar tooltips from commands.
import { inject, type InjectionKey } from 'vue';
import type { Point } from '../editor/create-editor';
import type { Command, CommandSource } from './commands';
import { isTyping, matchesChord, parseChord, type Chord } from './keys';

export interface MenuItem {
  id: string;
  label: string;
  /** The key label, from the table. */
  key?: string;
  action: () => void;
}

export interface RunnerOptions {
  /** Whether a key goes to a text field, where only commands marked `inTextFields` apply. */
  typing?: (target: EventTarget | null) => boolean;
}

export function createCommandRunner<C>(commands: readonly Command<C>[], ctx: C, options: RunnerOptions = {}) {
  const typingAt = options.typing ?? isTyping;
  const byId = new Map(commands.map((c) => [c.id, c]));
  if (byId.size !== commands.length) throw new Error('two commands share an id in the command table');
  // Parsed once: a chord the table mistypes fails when the app starts, not when the key is pressed.
  const chords: [Command<C>, Chord][] = commands.flatMap((c) => (c.keys ?? []).map((k): [Command<C>, Chord] => [c, parseChord(k)]));

  function command(id: string): Command<C> {
    const c = byId.get(id);
    if (!c) throw new Error(`no command "${id}" in the command table`);
    return c;
  }

  const enabled = (c: Command<C>) => !c.when || c.when(ctx);

  function run(id: string, source: CommandSource = { from: 'button' }): void {
    const c = command(id);
    if (enabled(c)) void c.run(ctx, source);
  }

  /** Handles a keydown with the first command whose chord it is and which applies now; true when one did. */
  function onKeyDown(e: KeyboardEvent): boolean {
    const typing = typingAt(e.target);
    for (const [c, chord] of chords) {
      if (!matchesChord(e, chord) || (typing && !c.inTextFields) || !enabled(c)) continue;
      if (!c.keepDefault) e.preventDefault();
      void c.run(ctx, { from: 'keys' });
      return true;
    }
    return false;
  }

  const keyLabel = (id: string): string | undefined => command(id).keys?.[0];

  /** A tooltip: the command's label and its key. */
  function title(id: string, label = command(id).label): string {
    const key = keyLabel(id);
    return key ? `${label} (${key})` : label;
  }

  /** Menu items for these commands, run as from a menu opened at `at`. */
  function menu(ids: readonly string[], at: Point): MenuItem[] {
    return ids.map((id) => {
      const c = command(id);
      const key = keyLabel(id);
      return { id, label: c.menuLabel?.(ctx) ?? c.label, ...(key ? { key } : {}), action: () => run(id, { from: 'menu', at }) };
    });
  }

  const runner: CommandRunner = { run, onKeyDown, keyLabel, title, menu };
  return runner;
}

/** What components see of a runner, whatever its context. */
export interface CommandRunner {
  run(id: string, source?: CommandSource): void;
  onKeyDown(e: KeyboardEvent): boolean;
  keyLabel(id: string): string | undefined;
  title(id: string, label?: string): string;
  menu(ids: readonly string[], at: Point): MenuItem[];
}

export const COMMAND_RUNNER: InjectionKey<CommandRunner> = Symbol('commands');

export function useCommands(): CommandRunner {
  const runner = inject(COMMAND_RUNNER, null);
  if (!runner) throw new Error('useCommands() outside the shell that provides the command runner');
  return runner;
}
