// The workflow being edited, as a plain document: live validation, undo/redo, its draft and saving.
import { emptyWorkflow, validateWorkflow, type Problem, type SeedKey, type WorkflowDocument } from '@lvcd/nodes';
import { computed, reactive, shallowRef } from 'vue';
import { ApiError, type ApiClient } from '../api/client';
import type { SavedWorkflow } from '../api/types';
import type { CatalogueStore } from './catalogue';
import { createHistory } from './history';
import type { NodeRuntimeStore } from './node-runtime';
import type { Notify } from './toasts';
import { createDraftStore } from './workflow-draft';

/** What the store needs of the canvas: read it back, make it show a document, frame it. */
export interface WorkflowCanvas {
  toDocument(meta?: Record<string, unknown>): WorkflowDocument;
  load(doc: WorkflowDocument): Promise<void>;
  zoomToFit(): Promise<void>;
}

export interface WorkflowDeps {
  api: Pick<ApiClient, 'createWorkflow' | 'updateWorkflow'>;
  catalogue: Pick<CatalogueStore, 'specMap'>;
  runtime: Pick<NodeRuntimeStore, 'setProblems' | 'forgetRunState'>;
  /** Stops showing the run on the canvas: its state belongs to the workflow it ran, not to the next one shown. */
  leaveRun: () => void;
  notify: Notify;
  /** Per-tab and shared storage for the draft. */
  session?: Pick<Storage, 'getItem' | 'setItem'>;
  local?: Pick<Storage, 'getItem' | 'setItem'>;
}

export function createWorkflow({ api, catalogue, runtime, leaveRun, notify, session = sessionStorage, local = localStorage }: WorkflowDeps) {
  const state = reactive({
    name: 'Untitled',
    savedId: null as string | null,
    savedVersion: null as number | null,
    /** Set while a seeded workflow is shown: the server keeps it as it came, so saving it forks a copy. */
    seed: null as SeedKey | null,
    dirty: false,
    saving: false,
  });
  const doc = shallowRef<WorkflowDocument>(emptyWorkflow());
  const clientProblems = shallowRef<Problem[]>([]);
  /** What the server said when it refused a run; shown until the next edit. */
  const serverProblems = shallowRef<Problem[]>([]);
  const problems = computed(() => [...serverProblems.value, ...clientProblems.value.filter((p) => !serverProblems.value.some((s) => same(s, p)))]);
  const history = createHistory();
  const drafts = createDraftStore(session, local);
  let editor: WorkflowCanvas | null = null;
  let pending: ReturnType<typeof setTimeout> | undefined;

  function same(a: Problem, b: Problem): boolean {
    return a.code === b.code && a.node === b.node && a.input === b.input && a.param === b.param;
  }

  function meta(): Record<string, unknown> {
    return { ...doc.value.meta, name: state.name };
  }

  function validate(): void {
    clientProblems.value = validateWorkflow(doc.value, { specs: catalogue.specMap.value }).problems.filter((p) => p.code !== 'nothing-to-run' || doc.value.nodes.length > 0);
    publishProblems();
  }

  function publishProblems(): void {
    const byNode = new Map<string, Problem[]>();
    for (const p of problems.value) if (p.node) byNode.set(p.node, [...(byNode.get(p.node) ?? []), p]);
    runtime.setProblems(byNode);
  }

  /**
   * After an edit: nodes that left the document, or arrived in it (a new node may reuse a deleted one's id), carry
   * no state of the shown run; an emptied canvas shows no run at all.
   */
  function retireRunState(before: WorkflowDocument, after: WorkflowDocument): void {
    if (after.nodes.length === 0 && before.nodes.length > 0) return leaveRun();
    const was = new Set(before.nodes.map((n) => n.id));
    const now = new Set(after.nodes.map((n) => n.id));
    runtime.forgetRunState([...was].filter((id) => !now.has(id)).concat([...now].filter((id) => !was.has(id))));
  }

  function persistDraft(): void {
    drafts.write({ document: doc.value, name: state.name, savedId: state.savedId, savedVersion: state.savedVersion, seed: state.seed, dirty: state.dirty });
  }

  /** The editor reports a change: read it back, record it for undo, validate, keep the draft. */
  function flush(): void {
    clearTimeout(pending);
    pending = undefined;
    if (!editor) return;
    const before = doc.value;
    doc.value = editor.toDocument(meta());
    retireRunState(before, doc.value);
    if (history.record(doc.value)) {
      state.dirty = true;
      serverProblems.value = [];
    }
    validate();
    persistDraft();
  }

  /** Changes come in bursts (a paste adds nodes and links one by one); one undo step per burst. */
  function changed(): void {
    clearTimeout(pending);
    pending = setTimeout(flush, 40);
  }

  async function show(next: Pick<WorkflowDocument, 'nodes' | 'links'>): Promise<void> {
    if (!editor) return;
    await editor.load({ ...doc.value, nodes: next.nodes, links: next.links });
    const before = doc.value;
    doc.value = editor.toDocument(meta());
    retireRunState(before, doc.value);
    state.dirty = true;
    serverProblems.value = [];
    validate();
    persistDraft();
  }

  async function undo(): Promise<void> {
    if (pending) flush();
    const prev = history.undo();
    if (prev) await show(prev);
  }

  async function redo(): Promise<void> {
    if (pending) flush();
    const next = history.redo();
    if (next) await show(next);
  }

  interface OpenOptions {
    name?: string;
    savedId?: string | null;
    savedVersion?: number | null;
    seed?: SeedKey | null;
    fit?: boolean;
  }

  /**
   * Replaces the canvas with `next` (open, import, new, restore); undo brings the previous one back. The run
   * shown before is left: a caller showing a run of `next` activates it after.
   */
  async function open(next: WorkflowDocument, opts: OpenOptions = {}): Promise<void> {
    if (!editor) return;
    if (pending) flush();
    leaveRun();
    state.name = opts.name ?? (typeof next.meta.name === 'string' && next.meta.name ? next.meta.name : 'Untitled');
    state.savedId = opts.savedId ?? null;
    state.savedVersion = opts.savedVersion ?? null;
    state.seed = opts.seed ?? null;
    await editor.load(next);
    doc.value = editor.toDocument({ ...next.meta, name: state.name });
    history.record(doc.value);
    state.dirty = state.savedId === null;
    serverProblems.value = [];
    validate();
    persistDraft();
    if (opts.fit !== false) await editor.zoomToFit();
  }

  /** Startup: show the draft left by the last session, if any. */
  async function restoreDraft(): Promise<boolean> {
    const draft = editor && drafts.read(catalogue.specMap.value);
    if (!draft) return false;
    try {
      await open(draft.document, { name: draft.name, savedId: draft.savedId, savedVersion: draft.savedVersion, seed: draft.seed });
    } catch {
      return false; // a draft the canvas cannot show: start empty rather than not at all
    }
    history.reset(doc.value);
    state.dirty = draft.dirty;
    return true;
  }

  /** Saves a new version of the saved workflow, or the first one of a new workflow. */
  async function save(): Promise<boolean> {
    return store((name, document) => (state.savedId ? api.updateWorkflow(state.savedId, name, document) : api.createWorkflow(name, document)));
  }

  /** Saves the canvas as a new workflow named `name` (Save as, Duplicate, a change to a seeded one), and shows that. */
  async function saveAs(name: string): Promise<boolean> {
    state.name = name;
    return store((n, document) => api.createWorkflow(n, document));
  }

  async function store(send: (name: string, document: WorkflowDocument) => Promise<SavedWorkflow>): Promise<boolean> {
    if (pending) flush();
    if (!editor) return false;
    const name = state.name.trim() || 'Untitled';
    state.name = name;
    doc.value = editor.toDocument(meta());
    state.saving = true;
    try {
      const saved = await send(name, doc.value);
      state.savedId = saved.id;
      state.savedVersion = saved.version;
      state.seed = saved.seed ?? null;
      state.dirty = false;
      persistDraft();
      notify('success', `Saved “${saved.name}” (version ${saved.version})`);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.problems.length) setServerProblems(e.problems);
      notify('error', `Save failed: ${(e as Error).message}`);
      return false;
    } finally {
      state.saving = false;
    }
  }

  /** The saved workflow was deleted: the canvas keeps its document, as a workflow not saved yet. */
  function detach(): void {
    state.savedId = null;
    state.savedVersion = null;
    state.seed = null;
    state.dirty = true;
    persistDraft();
  }

  function setServerProblems(list: Problem[]): void {
    serverProblems.value = list;
    publishProblems();
  }

  function rename(name: string): void {
    state.name = name;
    state.dirty = true;
    doc.value = { ...doc.value, meta: meta() };
    persistDraft();
  }

  function attach(handle: WorkflowCanvas | null): void {
    editor = handle;
  }

  /** The current document, with any edit still in its debounce window included. */
  function current(): WorkflowDocument {
    if (pending) flush();
    return doc.value;
  }

  return {
    state,
    doc,
    problems,
    attach,
    rename,
    changed,
    current,
    undo,
    redo,
    canUndo: history.canUndo,
    canRedo: history.canRedo,
    open,
    /** The draft left by the last session, without showing it. */
    draft: () => drafts.read(catalogue.specMap.value),
    restoreDraft,
    save,
    saveAs,
    detach,
    setServerProblems,
    resetHistory: () => history.reset(doc.value),
  };
}

export type WorkflowStore = ReturnType<typeof createWorkflow>;
