// The unsaved draft of the workflow in browser storage: per tab (a reload keeps this tab's work even when another
// tab edits), and the newest of any tab for a fresh tab to start from.
import { SEED_KEYS, validateWorkflow, type NodeSpec, type SeedKey, type WorkflowDocument } from '@lvcd/nodes';

const DRAFT_KEY = 'lvcd-studio:draft';

export interface Draft {
  document: WorkflowDocument;
  name: string;
  savedId: string | null;
  savedVersion: number | null;
  seed: SeedKey | null;
  dirty: boolean;
}

type Store = Pick<Storage, 'getItem' | 'setItem'>;

export function createDraftStore(session: Store, local: Store) {
  function write(draft: Draft): void {
    const text = JSON.stringify(draft);
    try {
      session.setItem(DRAFT_KEY, text);
      local.setItem(DRAFT_KEY, text);
    } catch {
      // storage full or disabled: the draft is a convenience, the server copy is the real one
    }
  }

  /** The draft left by the last session, or null when there is none or it has nodes this catalogue lacks. */
  function read(specs: ReadonlyMap<string, NodeSpec>): Draft | null {
    const raw = session.getItem(DRAFT_KEY) ?? local.getItem(DRAFT_KEY);
    if (!raw) return null;
    try {
      const d = JSON.parse(raw) as { document: unknown; name?: string; savedId?: string | null; savedVersion?: number | null; seed?: unknown; dirty?: boolean };
      const { document } = validateWorkflow(d.document, { specs });
      if (!document || document.nodes.some((n) => !specs.has(n.type))) return null;
      const seed = SEED_KEYS.find((k) => k === d.seed) ?? null;
      return { document, name: d.name ?? 'Untitled', savedId: d.savedId ?? null, savedVersion: d.savedVersion ?? null, seed, dirty: d.dirty ?? false };
    } catch {
      return null;
    }
  }

  return { write, read };
}
