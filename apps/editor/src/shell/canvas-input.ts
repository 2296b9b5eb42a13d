// Pointer input the shell handles around the canvas: menus opened by right-click, node search, drops, palette clicks.
import type { Point } from '../editor/create-editor';
import type { CommandRunner } from './command-runner';
import { CANVAS_MENU, NODE_MENU } from './commands';
import type { ShellState } from './shell-state';
import type { WorkflowActions } from './workflow-actions';

export function createCanvasInput(shell: ShellState, commands: () => CommandRunner, takeFile: WorkflowActions['takeFile']) {
  const { editor } = shell;

  /** Right-click on a node: it joins the selection the menu acts on, unless it is already in it. */
  async function contextMenu(target: { node?: string }, at: Point): Promise<void> {
    const ed = editor.value;
    if (!ed) return;
    shell.addMenu.value = null;
    if (target.node && !ed.selectedIds().includes(target.node)) await ed.select([target.node]);
    shell.ctxMenu.value = { at, items: commands().menu(target.node ? NODE_MENU : CANVAS_MENU, at) };
  }

  async function chooseNode(type: string): Promise<void> {
    const menu = shell.addMenu.value;
    shell.addMenu.value = null;
    const ed = editor.value;
    if (!menu || !ed) return;
    const id = menu.looseEnd ? await ed.addNodeForLooseEnd(type, menu.looseEnd, menu.graphAt) : await ed.addNodeOfType(type, menu.graphAt);
    await ed.select([id]);
  }

  function onPointerDown(e: PointerEvent): void {
    shell.setPointer({ x: e.clientX, y: e.clientY });
    if (!(e.target as Element).closest?.('.add-menu, .context-menu')) shell.closeMenus();
  }

  const onPointerMove = (e: PointerEvent) => shell.setPointer({ x: e.clientX, y: e.clientY });

  function onDragOver(e: DragEvent): void {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  }

  async function onDrop(e: DragEvent): Promise<void> {
    e.preventDefault();
    const ed = editor.value;
    if (!ed || !e.dataTransfer) return;
    const at = ed.toGraph({ x: e.clientX, y: e.clientY });
    const type = e.dataTransfer.getData('application/x-lvcd-node');
    if (type) {
      const id = await ed.addNodeOfType(type, at);
      await ed.select([id]);
      return;
    }
    const file = e.dataTransfer.files[0];
    if (file) await takeFile(file, at);
  }

  /** A palette click adds at the centre of the view; successive ones go left to right, so a chain reads like one. */
  async function addFromPalette(type: string, canvas: HTMLElement): Promise<void> {
    const ed = editor.value;
    if (!ed) return;
    const r = canvas.getBoundingClientRect();
    const at = ed.toGraph({ x: r.left + r.width / 2, y: r.top + r.height / 3 });
    const n = ed.nodeCount();
    const id = await ed.addNodeOfType(type, { x: at.x - 450 + (n % 4) * 300, y: at.y + (Math.floor(n / 4) % 4) * 60 });
    await ed.select([id]);
  }

  return { contextMenu, chooseNode, onPointerDown, onPointerMove, onDragOver, onDrop, addFromPalette };
}
