// What the shell shows besides the stores: the canvas handle, the side panel, the menus and the pointer.
import { ref, shallowRef } from 'vue';
import type { LooseEnd } from '../editor/connect-rules';
import type { EditorHandle, Point } from '../editor/create-editor';
import type { MenuItem } from './command-runner';

export type LooseTarget = LooseEnd & { nodeId: string; key: string };
export type SideTab = 'nodes' | 'workflows' | 'queue' | 'history' | 'outputs' | 'workers';

export function createShellState() {
  const editor = shallowRef<EditorHandle | null>(null);
  const fatal = ref('');
  const tab = ref<SideTab>('nodes');
  const openRunId = ref<string | null>(null);
  const showProblems = ref(true);
  const addMenu = ref<{ at: Point; graphAt: Point; looseEnd: LooseTarget | null } | null>(null);
  const ctxMenu = ref<{ at: Point; items: MenuItem[] } | null>(null);
  /** The pointer in viewport pixels: where keyboard-opened menus appear. */
  let pointer: Point = { x: 200, y: 200 };

  function openAddMenu(at: Point = pointer, looseEnd: LooseTarget | null = null): void {
    if (!editor.value) return;
    ctxMenu.value = null;
    addMenu.value = { at, graphAt: editor.value.toGraph(at), looseEnd };
  }

  /** A side tab, on its list (a run shown in History closes). */
  function showTab(t: SideTab): void {
    tab.value = t;
    openRunId.value = null;
  }

  function closeMenus(): void {
    addMenu.value = null;
    ctxMenu.value = null;
  }

  return {
    editor,
    fatal,
    tab,
    openRunId,
    showProblems,
    addMenu,
    ctxMenu,
    openAddMenu,
    showTab,
    closeMenus,
    pointer: () => pointer,
    setPointer: (p: Point) => void (pointer = p),
  };
}

export type ShellState = ReturnType<typeof createShellState>;
