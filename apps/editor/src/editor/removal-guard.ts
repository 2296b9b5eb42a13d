// One removal per node or connection at a time. Rete's removeConnection and removeNode look the item up, await
// their "remove" event, and only then splice the list at indexOf(item). A second removal of the same item started
// meanwhile passes the lookup too and, once the first has spliced, splices index -1: the LAST item of the list.
// That happened on every link dragged onto a taken input (the connection plugin removes the old link, and the
// canvas removes it again when it links): another link left the document while its curve stayed drawn.
import type { NodeEditor } from 'rete';
import type { Schemes } from './scheme';

/** Cancels a removal of an item already on its way out. Must be the editor's first pipe, so it runs synchronously in the call. */
export function guardRemovals(editor: NodeEditor<Schemes>): void {
  const leaving = new Set<string>();
  editor.addPipe((ctx) => {
    if (ctx.type === 'connectionremove' || ctx.type === 'noderemove') {
      const key = `${ctx.type === 'noderemove' ? 'node' : 'connection'}:${ctx.data.id}`;
      if (leaving.has(key)) return undefined;
      leaving.add(key);
    }
    if (ctx.type === 'connectionremoved') leaving.delete(`connection:${ctx.data.id}`);
    if (ctx.type === 'noderemoved') leaving.delete(`node:${ctx.data.id}`);
    return ctx;
  });
}
