// Copy and paste of nodes, across tabs: the system clipboard when the browser lets us, localStorage always.
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type NodeSpec } from '@lvcd/nodes';
import type { ClipboardFragment } from '../editor/create-editor';
import { parseWorkflowText } from '../lib/import';

const KEY = 'lvcd-studio:clipboard';

export function writeClipboard(fragment: ClipboardFragment): void {
  const text = JSON.stringify(fragment);
  try {
    localStorage.setItem(KEY, text);
  } catch {
    // storage full: the system clipboard below may still work
  }
  void navigator.clipboard?.writeText(text).catch(() => undefined);
}

export type Pasted = { kind: 'fragment'; fragment: ClipboardFragment } | { kind: 'workflow'; text: string } | { kind: 'invalid'; message: string } | null;

/** What some pasted text is: our node fragment, a whole workflow, or nothing we know (null). */
export function classifyPaste(text: string, specs: ReadonlyMap<string, NodeSpec>): Pasted {
  const t = text.trim();
  if (!t.startsWith('{')) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(t);
  } catch {
    return null;
  }
  const format = (raw as { format?: unknown }).format;
  if (format === WORKFLOW_FORMAT) return { kind: 'workflow', text: t };
  if (format !== 'lvcd-studio/clipboard') return null;
  // A fragment is checked like a workflow, so a hostile one cannot put unknown nodes or odd values on the canvas.
  const asDoc = JSON.stringify({ ...(raw as object), format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, meta: {} });
  const result = parseWorkflowText(asDoc, specs, 'the pasted nodes');
  if (!result.ok) return { kind: 'invalid', message: result.message };
  if (result.document.nodes.length === 0) return null;
  return { kind: 'fragment', fragment: { format: 'lvcd-studio/clipboard', nodes: result.document.nodes, links: result.document.links } };
}

export function readLocalClipboard(specs: ReadonlyMap<string, NodeSpec>): Pasted {
  const text = localStorage.getItem(KEY);
  return text ? classifyPaste(text, specs) : null;
}
