import { describe, expect, it } from 'vitest';
import { createCommandRunner } from './command-runner';
import { CANVAS_MENU, COMMANDS, NODE_MENU, WORKFLOW_MENU, type Command, type CommandContext } from './commands';

/** A context that records what the commands asked for; selection and bypass state as given. */
function recordingContext(state: { selection?: string[]; bypassed?: string[]; canvas?: boolean; addMenu?: boolean } = {}) {
  const calls: string[] = [];
  const record =
    (name: string) =>
    async (...args: unknown[]) =>
      void calls.push(args.length ? `${name} ${JSON.stringify(args)}` : name);
  const ctx: CommandContext = {
    canvasActive: () => state.canvas ?? true,
    addMenuOpen: () => state.addMenu ?? false,
    selection: () => state.selection ?? [],
    isBypassed: (id) => (state.bypassed ?? []).includes(id),
    queue: record('queue'),
    cancelActive: record('cancelActive'),
    save: record('save'),
    saveAs: record('saveAs'),
    newWorkflow: record('newWorkflow'),
    duplicateWorkflow: record('duplicateWorkflow'),
    deleteWorkflow: record('deleteWorkflow'),
    exportJson: record('exportJson'),
    importFile: record('importFile'),
    undo: record('undo'),
    redo: record('redo'),
    copy: record('copy'),
    paste: record('paste'),
    selectAll: record('selectAll'),
    setBypass: record('setBypass'),
    remove: record('remove'),
    duplicate: record('duplicate'),
    zoomToFit: record('zoomToFit'),
    autoArrange: record('autoArrange'),
    openAddMenu: record('openAddMenu'),
    closeMenus: record('closeMenus'),
    toggleProblems: record('toggleProblems'),
    showWorkers: record('showWorkers'),
  };
  return { ctx, calls };
}

function press(key: string, init: KeyboardEventInit = {}, target: HTMLElement = document.body): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(e);
  return e;
}

/** Dispatches on `target` and hands the event to the runner as the window's listener would. */
function pressInto(runner: ReturnType<typeof createCommandRunner>, key: string, init: KeyboardEventInit = {}, target: HTMLElement = document.body) {
  let handled = false;
  const listener = (e: Event) => (handled = runner.onKeyDown(e as KeyboardEvent));
  window.addEventListener('keydown', listener);
  const e = press(key, init, target);
  window.removeEventListener('keydown', listener);
  return { handled, prevented: e.defaultPrevented };
}

describe('the command runner', () => {
  it('runs the command whose key was pressed, and prevents the browser default', () => {
    const { ctx, calls } = recordingContext({ selection: ['2', '5'] });
    const runner = createCommandRunner(COMMANDS, ctx);
    expect(pressInto(runner, 'Enter', { ctrlKey: true })).toEqual({ handled: true, prevented: true });
    pressInto(runner, 'z', { ctrlKey: true });
    pressInto(runner, 'Z', { ctrlKey: true, shiftKey: true });
    pressInto(runner, 'y', { metaKey: true });
    pressInto(runner, 'Delete');
    pressInto(runner, 'b', { ctrlKey: true });
    expect(calls).toEqual(['queue', 'undo', 'redo', 'redo', 'remove [["2","5"]]', 'setBypass [["2","5"],true]']);
  });

  it('restores bypass when every selected node is bypassed', () => {
    const { ctx, calls } = recordingContext({ selection: ['2', '5'], bypassed: ['2', '5'] });
    const runner = createCommandRunner(COMMANDS, ctx);
    pressInto(runner, 'b', { ctrlKey: true });
    expect(calls).toEqual(['setBypass [["2","5"],false]']);
    expect(runner.menu(NODE_MENU, { x: 0, y: 0 })[0]?.label).toBe('Remove bypass');
  });

  it('in a text field, runs only the commands meant to work there', () => {
    const { ctx, calls } = recordingContext({ selection: ['1'] });
    const runner = createCommandRunner(COMMANDS, ctx);
    const field = document.createElement('input');
    document.body.append(field);
    expect(pressInto(runner, 'Delete', {}, field)).toEqual({ handled: false, prevented: false });
    expect(pressInto(runner, 'a', { ctrlKey: true }, field).handled).toBe(false);
    expect(pressInto(runner, 's', { ctrlKey: true }, field)).toEqual({ handled: true, prevented: true });
    expect(calls).toEqual(['save']);
    field.remove();
  });

  it("leaves keys alone when a command's `when` says no: the compare view in front, or node search open", () => {
    const compare = recordingContext({ canvas: false });
    const runner = createCommandRunner(COMMANDS, compare.ctx);
    expect(pressInto(runner, 'Enter', { ctrlKey: true }).handled).toBe(false);
    expect(pressInto(runner, '.').handled).toBe(false);
    expect(compare.calls).toEqual([]);

    const search = recordingContext({ addMenu: true });
    const withSearch = createCommandRunner(COMMANDS, search.ctx);
    expect(pressInto(withSearch, 'Backspace').handled).toBe(false);
    expect(pressInto(withSearch, 'Enter', { ctrlKey: true }).handled).toBe(true);
    expect(search.calls).toEqual(['queue']);
  });

  it('tells Save (Ctrl+S) from Save as (Ctrl+Shift+S), in text fields too, and lists the file commands in the workflow menu', () => {
    const { ctx, calls } = recordingContext();
    const runner = createCommandRunner(COMMANDS, ctx);
    const field = document.createElement('input');
    document.body.append(field);
    expect(pressInto(runner, 'S', { ctrlKey: true, shiftKey: true }, field).handled).toBe(true);
    expect(pressInto(runner, 's', { ctrlKey: true }).handled).toBe(true);
    field.remove();
    const items = runner.menu(WORKFLOW_MENU, { x: 0, y: 0 });
    expect(items.map((i) => [i.label, i.key])).toEqual([
      ['New', undefined],
      ['Save as…', 'Ctrl+Shift+S'],
      ['Duplicate', undefined],
      ['Delete…', undefined],
      ['Open a workflow JSON or studio PNG', undefined],
      ['Download the workflow as JSON', undefined],
    ]);
    for (const i of items.slice(0, 4)) i.action();
    expect(calls).toEqual(['saveAs', 'save', 'newWorkflow', 'saveAs', 'duplicateWorkflow', 'deleteWorkflow']);
  });

  it('lets Ctrl+V through to the browser, so the paste event still comes', () => {
    const { ctx, calls } = recordingContext();
    const runner = createCommandRunner(COMMANDS, ctx);
    expect(pressInto(runner, 'v', { ctrlKey: true })).toEqual({ handled: true, prevented: false });
    expect(calls).toEqual(['paste ["keys"]']);
  });

  it('builds menus from the table: labels, the first key as its label, and where the menu was opened', () => {
    const { ctx, calls } = recordingContext();
    const runner = createCommandRunner(COMMANDS, ctx);
    const items = runner.menu(CANVAS_MENU, { x: 30, y: 40 });
    expect(items.map((i) => [i.label, i.key])).toEqual([
      ['Add node…', '/'],
      ['Paste', 'Ctrl+V'],
      ['Select all', 'Ctrl+A'],
      ['Auto-arrange', undefined],
      ['Zoom to fit', '.'],
      ['Workers', undefined],
    ]);
    items[0]?.action();
    items[1]?.action();
    items[5]?.action();
    expect(calls).toEqual(['openAddMenu [{"x":30,"y":40}]', 'paste ["menu"]', 'showWorkers']);
    expect(runner.title('workflow.save')).toBe('Save the workflow (Ctrl+S)');
    expect(runner.title('view.arrange')).toBe('Auto-arrange');
  });

  it('refuses a table with a duplicate id or a mistyped chord when it is built, and an unknown id when asked', () => {
    const run = () => undefined;
    const twice: Command[] = [{ id: 'a', label: 'A', run }, { id: 'a', label: 'B', run }];
    expect(() => createCommandRunner(twice, recordingContext().ctx)).toThrow('two commands share an id');
    expect(() => createCommandRunner([{ id: 'a', label: 'A', keys: ['Cmd+S'], run }], recordingContext().ctx)).toThrow('unknown modifier');
    expect(() => createCommandRunner(COMMANDS, recordingContext().ctx).run('no.such')).toThrow('no command "no.such"');
  });
});
