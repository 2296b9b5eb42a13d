// Test-only: a fresh studio per test, and the mount options that give a component it and the command runner.
import { createRunSocket } from '../../src/api/run-socket';
import { COMMAND_RUNNER, createCommandRunner } from '../../src/shell/command-runner';
import { COMMANDS, type CommandContext } from '../../src/shell/commands';
import { createStudio, studioPlugin, type Studio } from '../../src/stores/studio';

/**
 * A studio whose HTTP calls go to `fetch` (stub it, or give `base` a real server's address) and whose socket,
 * unless given, is never opened.
 */
export function testStudio(options: Parameters<typeof createStudio>[0] = {}): Studio {
  return createStudio({ socket: createRunSocket('http://127.0.0.1:9'), ...options });
}

/** `mount(Component, { global: withStudio(studio) })`; commands run against `context` (only what a test uses). */
export function withStudio(studio: Studio, context: Partial<CommandContext> = {}) {
  const runner = createCommandRunner(COMMANDS, { canvasActive: () => true, addMenuOpen: () => false, selection: () => [], ...context } as CommandContext);
  return { plugins: [studioPlugin(studio)], provide: { [COMMAND_RUNNER as symbol]: runner } };
}
