import { emptyWorkflow, type WorkflowDocument } from '@lvcd/nodes';
import { describe, expect, it } from 'vitest';
import { createHistory } from './history';

const withNodes = (...ids: string[]): WorkflowDocument => ({ ...emptyWorkflow(), nodes: ids.map((id) => ({ id, type: 't', params: {}, position: { x: 0, y: 0 } })) });

describe('history', () => {
  it('undoes and redoes through recorded states, and a new edit drops the redo branch', () => {
    const h = createHistory();
    h.reset(withNodes());
    h.record(withNodes('1'));
    h.record(withNodes('1', '2'));
    expect(h.undo()?.nodes.map((n) => n.id)).toEqual(['1']);
    expect(h.undo()?.nodes).toEqual([]);
    expect(h.undo()).toBeNull();
    expect(h.redo()?.nodes.map((n) => n.id)).toEqual(['1']);
    h.record(withNodes('1', '3'));
    expect(h.canRedo.value).toBe(false);
    expect(h.undo()?.nodes.map((n) => n.id)).toEqual(['1']);
  });

  it('ignores a record that changes nothing, and keeps at most the limit', () => {
    const h = createHistory(3);
    h.reset(withNodes());
    expect(h.record(withNodes())).toBe(false);
    for (const id of ['1', '2', '3', '4']) h.record(withNodes(id));
    expect(h.undo()?.nodes.map((n) => n.id)).toEqual(['3']);
    expect(h.undo()?.nodes.map((n) => n.id)).toEqual(['2']);
    expect(h.undo()).toBeNull();
  });
});
