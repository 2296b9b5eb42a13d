// Whole-workflow actions of the shell: queue, export, open a saved one, restore a run's, take a file.
import type { NodeSpec } from '@lvcd/nodes';
import { ApiError } from '../api/client';
import type { RunDetail } from '../api/types';
import { queuedText } from '../batch/batch-store';
import type { Point } from '../editor/create-editor';
import { downloadText, safeFileName } from '../lib/download';
import { seedsAfterRun } from '../lib/seed-controls';
import { parseWorkflowText, readWorkflowFile } from '../lib/import';
import type { Studio } from '../stores/studio';
import type { ShellState } from './shell-state';

export function createWorkflowActions(studio: Studio, shell: ShellState) {
  const { api, catalogue, workflow, runs, assets, notify, batch } = studio;

  /** Queues the workflow as many times as the batch count says (once by default). */
  async function queue(): Promise<void> {
    const res = await batch.queue(workflow.current());
    if (res.ok) {
      notify('info', queuedText(res.ids, res.seed));
      return moveSeeds(res.ids.length);
    }
    const err = res.error;
    if (err instanceof ApiError && err.problems.length) {
      workflow.setServerProblems(err.problems);
      shell.showProblems.value = true;
      notify('error', `Not queued: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'} (see the problems panel)`);
    } else {
      notify('error', `Not queued: ${err.message}`);
    }
  }

  /** Control after run: the queued runs keep their seeds, the canvas moves on to the next ones (one undo step). */
  async function moveSeeds(runs: number): Promise<void> {
    const next = seedsAfterRun(workflow.current(), catalogue.specMap.value, runs);
    if (!next || !shell.editor.value) return;
    await shell.editor.value.load(next);
    workflow.changed();
  }

  function exportJson(): void {
    downloadText(`${safeFileName(workflow.state.name)}.json`, JSON.stringify(workflow.current(), null, 2));
  }

  async function openSaved(id: string, version?: number): Promise<void> {
    try {
      const saved = version ? await api.getVersion(id, version) : await api.getWorkflow(id);
      const check = parseWorkflowText(JSON.stringify(saved.document), catalogue.specMap.value, `“${saved.name}”`);
      if (!check.ok) return notify('error', check.message);
      // A version's answer does not say whether the workflow is seeded; the workflow's does.
      const seed = version ? (await api.getWorkflow(id)).seed : saved.seed;
      await workflow.open(check.document, { name: saved.name, savedId: saved.id, savedVersion: saved.version, seed: seed ?? null });
      notify('info', `Opened “${saved.name}” (version ${saved.version})`);
    } catch (e) {
      notify('error', `Cannot open the workflow: ${(e as Error).message}`);
    }
  }

  async function restoreRun(run: RunDetail): Promise<void> {
    const check = parseWorkflowText(JSON.stringify(run.document), catalogue.specMap.value, 'the run’s workflow');
    if (!check.ok) return notify('error', check.message);
    await workflow.open(check.document, { name: run.workflowName ?? 'Restored run' });
    runs.activate(run.id); // show the run's outputs on the restored nodes
    notify('info', 'Workflow restored from the run');
  }

  /** A file from the picker, a drop or a paste: a workflow (JSON or studio PNG), or a picture to load. */
  async function takeFile(file: File, at: Point | null): Promise<void> {
    const result = await readWorkflowFile(file, catalogue.specMap.value);
    if (result.ok) {
      const named = result.document.meta.name;
      const name = typeof named === 'string' && named ? named : file.name.replace(/\.[^.]+$/, '');
      await workflow.open(result.document, { name });
      notify('success', `Imported “${name}”${result.problems.length ? ` with ${result.problems.length} problem(s)` : ''}`);
      return;
    }
    if (result.plainImage && at) return loadImageAt(file, at);
    notify('error', result.message);
  }

  /** ComfyUI habit: dropping a picture makes a Load Image node with it. */
  async function loadImageAt(file: File, at: Point): Promise<void> {
    const loadsImages = (s: NodeSpec) => s.inputs.length === 0 && s.params.some((p) => p.schema.kind === 'asset' && p.schema.accept.includes('image'));
    const spec = catalogue.specs.value.find(loadsImages);
    const param = spec?.params.find((p) => p.schema.kind === 'asset');
    const editor = shell.editor.value;
    if (!spec || !param || !editor) return notify('error', `${file.name} carries no workflow, and no node loads images`);
    try {
      const asset = await assets.upload(file);
      const id = await editor.addNodeOfType(spec.type, at, { [param.name]: asset.id });
      await editor.select([id]);
    } catch (e) {
      notify('error', `Upload failed: ${(e as Error).message}`);
    }
  }

  return { queue, exportJson, openSaved, restoreRun, takeFile };
}

export type WorkflowActions = ReturnType<typeof createWorkflowActions>;
