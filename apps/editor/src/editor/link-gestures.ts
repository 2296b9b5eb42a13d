// Dragging links: a drop on a socket that fits links it, one that does not is refused with the reason, and a
// drop on empty canvas asks for a node to put at the loose end.
import type { Link } from '@lvcd/nodes';
import type { NodeEditor } from 'rete';
import { ClassicFlow, getSourceTarget, type ConnectionPlugin, type SocketData } from 'rete-connection-plugin';
import type { LooseEnd } from './connect-rules';
import type { AreaExtra, Schemes } from './scheme';
import type { Point } from './view';

export interface LinkGestureHooks {
  /** Why this link may not be made, or null when it may. */
  refuse(link: Link): string | null;
  link(link: Link): void;
  refused(reason: string, at: Point): void;
  looseDrop(end: LooseEnd & { nodeId: string; key: string }, at: Point): void;
  /** Where the pointer is, in viewport pixels (for placing menus). */
  pointer(): Point;
}

export function useLinkGestures(editor: NodeEditor<Schemes>, connection: ConnectionPlugin<Schemes, AreaExtra>, hooks: LinkGestureHooks): void {
  let refusedInGesture = false;
  const linkOf = (from: SocketData, to: SocketData): Link | null => {
    const [source, target] = getSourceTarget(from, to) ?? [];
    return source && target ? { from: { node: source.nodeId, output: source.key }, to: { node: target.nodeId, input: target.key } } : null;
  };

  connection.addPreset(
    () =>
      new ClassicFlow<Schemes, AreaExtra[]>({
        canMakeConnection(from: SocketData, to: SocketData) {
          const link = linkOf(from, to);
          const reason = link ? hooks.refuse(link) : null;
          if (link && !reason) return true;
          // Released on a socket that does not fit (or output on output): end the drag here. Left alone, the flow
          // would keep the link stuck to the pointer; and this is no drop on empty canvas, so no add menu.
          refusedInGesture = true;
          if (reason) hooks.refused(reason, hooks.pointer());
          queueMicrotask(() => connection.drop());
          return false;
        },
        makeConnection(from: SocketData, to: SocketData) {
          const link = linkOf(from, to);
          if (!link) return false;
          hooks.link(link);
          return true;
        },
      }),
  );

  connection.addPipe((ctx) => {
    if (ctx.type === 'connectionpick') refusedInGesture = false;
    if (ctx.type === 'connectiondrop' && !ctx.data.created && !ctx.data.socket && !refusedInGesture) {
      const { initial } = ctx.data;
      const node = editor.getNode(initial.nodeId);
      const port = initial.side === 'output' ? node?.outputs[initial.key] : node?.inputs[initial.key];
      if (node && port) hooks.looseDrop({ side: initial.side, type: port.socket.name as LooseEnd['type'], nodeId: node.id, key: initial.key }, hooks.pointer());
    }
    return ctx;
  });
}
