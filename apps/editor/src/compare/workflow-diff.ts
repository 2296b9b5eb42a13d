// What differs between the workflow snapshots of two runs: nodes, their parameters, bypass and links.
import type { WorkflowDocument } from '@lvcd/nodes';

export type DiffKind = 'node' | 'param' | 'link';

export interface DiffRow {
  kind: DiffKind;
  /** Node id (param and node rows); for links, the link written out. */
  node: string;
  /** Parameter name (param rows); `type`, `bypass` or `present` for node rows. */
  key: string;
  a: string;
  b: string;
  same: boolean;
}

const ABSENT = '—';

/** A stable, readable form of a parameter value (objects with sorted keys, so key order is no difference). */
export function showValue(value: unknown): string {
  if (value === undefined) return ABSENT;
  if (typeof value === 'string') return value;
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y))) : v,
  );
}

const linkKey = (l: WorkflowDocument['links'][number]) => `${l.from.node}.${l.from.output} → ${l.to.node}.${l.to.input}`;

/**
 * Every node and parameter of both documents, matched by node id (runs of one workflow keep their ids; runs
 * of different workflows show their nodes as present on one side only). Rows come in A's node order, then
 * nodes only B has; `same` marks rows without a difference so the view can hide them.
 */
export function diffWorkflows(a: WorkflowDocument, b: WorkflowDocument): DiffRow[] {
  const rows: DiffRow[] = [];
  const byIdB = new Map(b.nodes.map((n) => [n.id, n]));
  const byIdA = new Map(a.nodes.map((n) => [n.id, n]));
  const ids = [...a.nodes.map((n) => n.id), ...b.nodes.filter((n) => !byIdA.has(n.id)).map((n) => n.id)];
  for (const id of ids) {
    const na = byIdA.get(id);
    const nb = byIdB.get(id);
    if (!na || !nb) {
      const only = (na ?? nb)!;
      rows.push({ kind: 'node', node: id, key: 'present', a: na ? na.type : ABSENT, b: nb ? nb.type : ABSENT, same: false });
      const params = Object.keys(only.params).sort();
      for (const p of params) rows.push({ kind: 'param', node: id, key: p, a: na ? showValue(na.params[p]) : ABSENT, b: nb ? showValue(nb.params[p]) : ABSENT, same: false });
      continue;
    }
    rows.push({ kind: 'node', node: id, key: 'type', a: na.type, b: nb.type, same: na.type === nb.type });
    const bypassA = Boolean(na.bypass);
    const bypassB = Boolean(nb.bypass);
    if (bypassA || bypassB) rows.push({ kind: 'node', node: id, key: 'bypass', a: String(bypassA), b: String(bypassB), same: bypassA === bypassB });
    const keys = [...new Set([...Object.keys(na.params), ...Object.keys(nb.params)])].sort();
    for (const k of keys) {
      const va = showValue(na.params[k]);
      const vb = showValue(nb.params[k]);
      rows.push({ kind: 'param', node: id, key: k, a: va, b: vb, same: va === vb });
    }
  }
  const linksA = new Set(a.links.map(linkKey));
  const linksB = new Set(b.links.map(linkKey));
  for (const l of [...new Set([...linksA, ...linksB])].sort()) {
    rows.push({ kind: 'link', node: l, key: 'link', a: linksA.has(l) ? 'yes' : ABSENT, b: linksB.has(l) ? 'yes' : ABSENT, same: linksA.has(l) && linksB.has(l) });
  }
  return rows;
}
