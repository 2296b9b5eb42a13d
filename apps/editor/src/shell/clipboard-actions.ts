// Copy, duplicate and paste: the system clipboard when the browser gives it, the local copy otherwise.
import { classifyPaste, readLocalClipboard, writeClipboard, type Pasted } from '../lib/clipboard';
import { parseWorkflowText } from '../lib/import';
import type { Studio } from '../stores/studio';
import { isTyping } from './keys';
import type { ShellState } from './shell-state';
import type { WorkflowActions } from './workflow-actions';

/** `active`: whether the canvas is in front (the compare view over it takes no pastes). */
export function createClipboardActions(studio: Studio, shell: ShellState, takeFile: WorkflowActions['takeFile'], active: () => boolean) {
  const { catalogue, workflow, notify } = studio;
  let pasteSeen = false;

  function copy(ids: string[]): void {
    const fragment = shell.editor.value?.copy(ids);
    if (fragment) writeClipboard(fragment);
  }

  async function duplicate(ids: string[]): Promise<void> {
    const editor = shell.editor.value;
    const fragment = editor?.copy(ids);
    const first = fragment?.nodes[0];
    if (!editor || !fragment || !first) return;
    await editor.paste(fragment, { x: first.position.x + 40, y: first.position.y + 40 });
  }

  async function apply(p: Pasted): Promise<boolean> {
    const editor = shell.editor.value;
    if (!p || !editor) return false;
    if (p.kind === 'invalid') notify('error', p.message);
    else if (p.kind === 'fragment') await editor.paste(p.fragment, editor.pointer());
    else {
      const r = parseWorkflowText(p.text, catalogue.specMap.value, 'the pasted workflow');
      if (r.ok) await workflow.open(r.document);
      else notify('error', r.message);
    }
    return true;
  }

  const pasteLocal = () => apply(readLocalClipboard(catalogue.specMap.value));

  /** The paste command: from a menu, the local copy; from the keys, the paste event first (see `onPaste`). */
  async function paste(from: 'keys' | 'menu' | 'button'): Promise<void> {
    if (from !== 'keys') return void (await pasteLocal());
    // The paste event brings the system clipboard; when the browser gives none, the local copy stands in.
    pasteSeen = false;
    setTimeout(() => {
      if (!pasteSeen) void pasteLocal();
    }, 0);
  }

  async function onPaste(e: ClipboardEvent): Promise<void> {
    const editor = shell.editor.value;
    if (isTyping(e.target) || !editor || !active()) return;
    pasteSeen = true;
    e.preventDefault();
    const file = e.clipboardData?.files[0];
    if (file) return takeFile(file, editor.pointer());
    const text = e.clipboardData?.getData('text/plain') ?? '';
    if (!(await apply(classifyPaste(text, catalogue.specMap.value)))) await pasteLocal();
  }

  return { copy, duplicate, paste, onPaste, openText: (text: string) => apply({ kind: 'workflow', text }) };
}

export type ClipboardActions = ReturnType<typeof createClipboardActions>;
