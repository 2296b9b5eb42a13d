// The command table's context, over the shell's state, its actions and the stores.
import type { Studio } from '../stores/studio';
import type { ClipboardActions } from './clipboard-actions';
import type { CommandContext } from './commands';
import type { ShellState } from './shell-state';
import type { WorkflowActions } from './workflow-actions';
import type { WorkflowFiles } from './workflow-files';

export function createCommandContext(
  studio: Studio,
  shell: ShellState,
  actions: WorkflowActions,
  files: WorkflowFiles,
  clipboard: ClipboardActions,
  io: { canvasActive(): boolean; pickFile(): void },
): CommandContext {
  const { workflow, runs } = studio;
  const ed = () => shell.editor.value;
  return {
    canvasActive: () => ed() !== null && io.canvasActive(),
    addMenuOpen: () => shell.addMenu.value !== null,
    selection: () => ed()?.selectedIds() ?? [],
    isBypassed: (id) => ed()?.isBypassed(id) ?? false,
    queue: actions.queue,
    cancelActive: async () => {
      if (runs.activeRunId.value) await runs.cancel(runs.activeRunId.value);
    },
    save: files.save,
    saveAs: () => files.saveAs(),
    newWorkflow: files.newWorkflow,
    duplicateWorkflow: files.duplicate,
    deleteWorkflow: files.remove,
    exportJson: actions.exportJson,
    importFile: io.pickFile,
    undo: workflow.undo,
    redo: workflow.redo,
    copy: clipboard.copy,
    paste: clipboard.paste,
    selectAll: async () => ed()?.selectAll(),
    setBypass: (ids, bypass) => ed()?.setBypass(ids, bypass),
    remove: async (ids) => ed()?.removeNodes(ids),
    duplicate: clipboard.duplicate,
    zoomToFit: async () => ed()?.zoomToFit(),
    autoArrange: async () => ed()?.autoArrange(),
    openAddMenu: (at) => shell.openAddMenu(at),
    closeMenus: shell.closeMenus,
    toggleProblems: () => void (shell.showProblems.value = !shell.showProblems.value),
    showWorkers: () => shell.showTab('workers'),
  };
}
