// Test-only: a fresh studio per test, the mount options that give a component it and the command runner, and a mounted editor.
import { createRunSocket } from '../../src/api/run-socket';
import { createEditor } from '../../src/editor/create-editor';
import { COMMAND_RUNNER, createCommandRunner } from '../../src/shell/command-runner';
import { COMMANDS, type CommandContext } from '../../src/shell/commands';
import { createShellState, type ShellState } from '../../src/shell/shell-state';
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

/** A real editor mounted in the document for `studio`, attached to its workflow store, as the app's shell holds it. */
export async function mountStudioEditor(studio: Studio): Promise<ShellState> {
  await studio.catalogue.load();
  const shell = createShellState();
  const container = document.createElement('div');
  document.body.append(container);
  shell.editor.value = await createEditor(container, studio.catalogue.specMap.value, {
    changed: studio.workflow.changed,
    refused: () => undefined,
    looseDrop: () => undefined,
    contextMenu: () => undefined,
    doubleClickCanvas: () => undefined,
    setupNodeApp: (app) => void app.use(studioPlugin(studio)),
  });
  studio.workflow.attach(shell.editor.value);
  return shell;
}

/** Destroys what `mountStudioEditor` mounted. */
export function unmountStudioEditor(shell: ShellState): void {
  shell.editor.value?.destroy();
  document.body.innerHTML = '';
}
