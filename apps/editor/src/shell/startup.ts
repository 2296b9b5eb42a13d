// What the studio opens with, as ComfyUI does: the workflow the user had open last (its draft, unsaved edits
// included), or on a first visit, or when that workflow has been deleted since, the seeded demo with its run.
import type { SavedWorkflowSummary } from '../api/types';
import type { Studio } from '../stores/studio';
import type { Draft } from '../stores/workflow-draft';

export type Start = { open: 'draft' } | { open: 'demo'; id: string } | { open: 'empty' };

/** `saved` is null when the server could not list the workflows: the draft is then all there is. */
export function chooseStart(draft: Pick<Draft, 'savedId' | 'dirty'> | null, saved: readonly SavedWorkflowSummary[] | null): Start {
  const deleted = draft?.savedId != null && !draft.dirty && saved !== null && !saved.some((w) => w.id === draft.savedId);
  if (draft && !deleted) return { open: 'draft' };
  const demo = saved?.find((w) => w.seed === 'demo');
  if (demo) return { open: 'demo', id: demo.id };
  return draft ? { open: 'draft' } : { open: 'empty' };
}

/** Opens what `chooseStart` picks, then follows the server and shows the run that belongs to it. */
export async function openAtStart(studio: Pick<Studio, 'api' | 'workflow' | 'runs'>, openSaved: (id: string) => Promise<void>): Promise<void> {
  const { api, workflow, runs } = studio;
  const saved = await api.listWorkflows().catch(() => null);
  const start = chooseStart(workflow.draft(), saved);
  if (start.open === 'demo') await openSaved(start.id);
  else if (start.open === 'empty' || !(await workflow.restoreDraft())) workflow.resetHistory();
  runs.connect();
  // A run remembered from the draft's session belongs to the draft, not to the demo opened instead of it.
  await runs.resume(workflow.state.savedId, start.open === 'draft');
}
