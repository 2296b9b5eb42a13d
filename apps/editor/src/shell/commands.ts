// The studio's commands, one table for the keyboard, the menus, the toolbar's tooltips and the README's shortcut
// list (the shape ComfyUI's frontend uses: id, label, keys, when, run). A key chord is written here only.
import type { Point } from '../editor/create-editor';

/** What commands act on; the shell implements it over the editor and the stores. */
export interface CommandContext {
  /** The canvas is up and in front (not under the compare view). */
  canvasActive(): boolean;
  addMenuOpen(): boolean;
  selection(): string[];
  isBypassed(id: string): boolean;
  queue(): Promise<void>;
  cancelActive(): Promise<void>;
  save(): Promise<void>;
  saveAs(): Promise<void>;
  newWorkflow(): Promise<void>;
  duplicateWorkflow(): Promise<void>;
  deleteWorkflow(): Promise<void>;
  exportJson(): void;
  importFile(): void;
  undo(): Promise<void>;
  redo(): Promise<void>;
  copy(ids: string[]): void;
  /** Pastes the local copy now (a menu), or after the paste event had its chance (the keyboard). */
  paste(from: CommandSource['from']): Promise<void>;
  selectAll(): Promise<void>;
  setBypass(ids: string[], bypass: boolean): void;
  remove(ids: string[]): Promise<void>;
  duplicate(ids: string[]): Promise<void>;
  zoomToFit(): Promise<void>;
  autoArrange(): Promise<void>;
  /** Opens node search at `at` (viewport pixels), or at the pointer. */
  openAddMenu(at?: Point): void;
  closeMenus(): void;
  toggleProblems(): void;
  /** The side panel shows the workers that execute runs. */
  showWorkers(): void;
}

/** Where a command came from: menus pass where they were opened. */
export interface CommandSource {
  from: 'keys' | 'menu' | 'button';
  at?: Point;
}

/** A command over the context `C` it acts on (the canvas's by default; the compare view has its own). */
export interface Command<C = CommandContext> {
  id: string;
  label: string;
  /** The label a menu shows now, when it depends on the state (Bypass / Remove bypass). */
  menuLabel?: (ctx: C) => string;
  /** Key chords; the first is the one menus show. */
  keys?: readonly string[];
  /** A mouse gesture that does the same, for the README. */
  gesture?: string;
  /** Keys work while typing in a text field too (queue and save, as in ComfyUI). */
  inTextFields?: boolean;
  /** The key keeps the browser's default (Ctrl+V must still fire the paste event). */
  keepDefault?: boolean;
  when?: (ctx: C) => boolean;
  run: (ctx: C, source: CommandSource) => unknown;
}

const onCanvas = (c: CommandContext) => c.canvasActive();
/** Editing keys leave node search alone: its field takes the typing. */
const editing = (c: CommandContext) => c.canvasActive() && !c.addMenuOpen();
const allBypassed = (c: CommandContext) => c.selection().length > 0 && c.selection().every((id) => c.isBypassed(id));

export const COMMANDS: readonly Command[] = [
  { id: 'run.queue', label: 'Queue the workflow', keys: ['Ctrl+Enter'], inTextFields: true, when: onCanvas, run: (c) => c.queue() },
  { id: 'run.cancel', label: 'Cancel the shown run', run: (c) => c.cancelActive() },
  { id: 'workflow.save', label: 'Save the workflow', keys: ['Ctrl+S'], inTextFields: true, when: onCanvas, run: (c) => c.save() },
  { id: 'workflow.saveAs', label: 'Save the workflow under a new name', menuLabel: () => 'Save as…', keys: ['Ctrl+Shift+S'], inTextFields: true, when: onCanvas, run: (c) => c.saveAs() },
  { id: 'workflow.new', label: 'New workflow', menuLabel: () => 'New', when: onCanvas, run: (c) => c.newWorkflow() },
  { id: 'workflow.duplicate', label: 'Save a copy of the workflow and open it', menuLabel: () => 'Duplicate', when: onCanvas, run: (c) => c.duplicateWorkflow() },
  { id: 'workflow.delete', label: 'Delete the saved workflow', menuLabel: () => 'Delete…', when: onCanvas, run: (c) => c.deleteWorkflow() },
  { id: 'workflow.export', label: 'Download the workflow as JSON', run: (c) => c.exportJson() },
  { id: 'workflow.import', label: 'Open a workflow JSON or studio PNG', run: (c) => c.importFile() },
  { id: 'edit.undo', label: 'Undo', keys: ['Ctrl+Z'], when: editing, run: (c) => c.undo() },
  { id: 'edit.redo', label: 'Redo', keys: ['Ctrl+Y', 'Ctrl+Shift+Z'], when: editing, run: (c) => c.redo() },
  { id: 'edit.copy', label: 'Copy', keys: ['Ctrl+C'], when: editing, run: (c) => c.copy(c.selection()) },
  { id: 'edit.paste', label: 'Paste', keys: ['Ctrl+V'], keepDefault: true, when: editing, run: (c, s) => c.paste(s.from) },
  { id: 'edit.selectAll', label: 'Select all', keys: ['Ctrl+A'], when: editing, run: (c) => c.selectAll() },
  {
    id: 'node.bypass',
    label: 'Bypass or restore the selected nodes',
    menuLabel: (c) => (allBypassed(c) ? 'Remove bypass' : 'Bypass'),
    keys: ['Ctrl+B'],
    when: editing,
    run: (c) => c.setBypass(c.selection(), !allBypassed(c)),
  },
  { id: 'node.duplicate', label: 'Duplicate', when: editing, run: (c) => c.duplicate(c.selection()) },
  { id: 'edit.delete', label: 'Delete', keys: ['Delete', 'Backspace'], when: editing, run: (c) => c.remove(c.selection()) },
  { id: 'canvas.addNode', label: 'Add node…', keys: ['/', 'Shift+A'], gesture: 'Double-click the canvas', when: editing, run: (c, s) => c.openAddMenu(s.at) },
  { id: 'view.fit', label: 'Zoom to fit', keys: ['.'], when: editing, run: (c) => c.zoomToFit() },
  { id: 'view.arrange', label: 'Auto-arrange', when: onCanvas, run: (c) => c.autoArrange() },
  { id: 'view.problems', label: 'Show or hide the problems panel', run: (c) => c.toggleProblems() },
  { id: 'view.workers', label: 'Show the workers that execute runs', menuLabel: () => 'Workers', run: (c) => c.showWorkers() },
  { id: 'menus.close', label: 'Close menus', keys: ['Escape'], when: editing, run: (c) => c.closeMenus() },
];

/** The right-click menus, by command id. */
export const NODE_MENU = ['node.bypass', 'edit.copy', 'node.duplicate', 'edit.delete'] as const;
/** The toolbar's workflow menu. */
export const WORKFLOW_MENU = ['workflow.new', 'workflow.saveAs', 'workflow.duplicate', 'workflow.delete', 'workflow.import', 'workflow.export'] as const;
export const CANVAS_MENU = ['canvas.addNode', 'edit.paste', 'edit.selectAll', 'view.arrange', 'view.fit', 'view.workers'] as const;
