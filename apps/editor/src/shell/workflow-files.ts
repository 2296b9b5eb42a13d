// The workflow as a saved file: New, Save (a seeded workflow forks a copy instead), Save as, Duplicate, Delete.
import { emptyWorkflow } from '@lvcd/nodes';
import type { Studio } from '../stores/studio';

/** What the file commands ask the user; the browser's own dialogs unless a test answers. */
export interface Ask {
  name(question: string, suggestion: string): string | null;
  confirm(question: string): boolean;
}

const browserAsk: Ask = {
  name: (question, suggestion) => window.prompt(question, suggestion),
  confirm: (question) => window.confirm(question),
};

export const copyName = (name: string) => `${name} (copy)`;

export function createWorkflowFiles(studio: Pick<Studio, 'api' | 'workflow' | 'notify'>, onSaved: () => void, ask: Ask = browserAsk) {
  const { api, workflow, notify } = studio;
  const { state } = workflow;

  /** An empty canvas, not saved yet; undo brings the previous workflow back. */
  async function newWorkflow(): Promise<void> {
    await workflow.open(emptyWorkflow(), { name: 'Untitled' });
  }

  async function save(): Promise<void> {
    if (state.seed) return saveAs(`“${state.name}” is kept as the studio seeded it. Save your changes as a new workflow named:`);
    if (await workflow.save()) onSaved();
  }

  async function saveAs(question = 'Save the workflow as:'): Promise<void> {
    const name = ask.name(question, state.seed || state.savedId ? copyName(state.name) : state.name)?.trim();
    if (!name) return;
    if (await workflow.saveAs(name)) onSaved();
  }

  /** A saved copy under a new name, shown in place of the original. */
  async function duplicate(): Promise<void> {
    if (await workflow.saveAs(copyName(state.name))) onSaved();
  }

  /** Deletes the saved workflow and its versions; the canvas keeps the document, unsaved. */
  async function remove(): Promise<void> {
    const id = state.savedId;
    const name = state.name;
    if (state.seed) return notify('info', `“${name}” is seeded by the studio and stays; Duplicate makes a copy of it you can change or delete`);
    if (!id) return notify('info', `“${name}” is not saved, so there is nothing to delete`);
    if (!ask.confirm(`Delete “${name}” and all its versions? The canvas keeps it, unsaved.`)) return;
    try {
      await api.deleteWorkflow(id);
    } catch (e) {
      return notify('error', `Delete failed: ${(e as Error).message}`);
    }
    workflow.detach();
    notify('success', `Deleted “${name}”`);
    onSaved();
  }

  return { newWorkflow, save, saveAs, duplicate, remove };
}

export type WorkflowFiles = ReturnType<typeof createWorkflowFiles>;
