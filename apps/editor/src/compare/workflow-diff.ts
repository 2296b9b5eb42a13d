// What differs between the workflow snapshots of two runs: nodes, their parameters, bypass and links.
import { defaultValue, type NodeSpec, type WorkflowDocument } from '@lvcd/nodes';

export type DiffKind = 'node' | 'param' | 'link';

export interface DiffRow {
  kind: DiffKind;
  /** Node id (param and node rows); for links, the link written out. */
  node: string;
  /** Parameter name (param rows); `type`, `bypass` or `present` for node rows. */
  key: string;
  a: string;
  b: string;
  /** A param row's side that leaves the param unset, so runs with the type's default (shown as the value). */
  defaultA?: true;
  defaultB?: true;
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

type DocNode = WorkflowDocument['nodes'][number];

/**
 * The value a node runs a param with: the stored one, else its type's default (when the catalogue knows the
 * type and the param), so a default set explicitly is no difference and an unset param shows its value.
 */
function effective(node: DocNode, key: string, specs: ReadonlyMap<string, NodeSpec>): { value: string; isDefault: boolean } {
  if (Object.hasOwn(node.params, key)) return { value: showValue(node.params[key]), isDefault: false };
  const spec = specs.get(node.type)?.params.find((p) => p.name === key);
  return spec ? { value: showValue(defaultValue(spec.schema)), isDefault: true } : { value: ABSENT, isDefault: false };
}

function paramRow(id: string, key: string, na: DocNode | undefined, nb: DocNode | undefined, specs: ReadonlyMap<string, NodeSpec>): DiffRow {
  const ea = na ? effective(na, key, specs) : { value: ABSENT, isDefault: false };
  const eb = nb ? effective(nb, key, specs) : { value: ABSENT, isDefault: false };
  return {
    kind: 'param',
    node: id,
    key,
    a: ea.value,
    b: eb.value,
    ...(ea.isDefault ? { defaultA: true as const } : {}),
    ...(eb.isDefault ? { defaultB: true as const } : {}),
    same: Boolean(na && nb) && ea.value === eb.value,
  };
}

/** A node's params: those its type declares (catalogue order), then any stored that it does not (sorted). */
function paramKeys(nodes: DocNode[], specs: ReadonlyMap<string, NodeSpec>): string[] {
  const declared = nodes.flatMap((n) => specs.get(n.type)?.params.map((p) => p.name) ?? []);
  const stored = nodes.flatMap((n) => Object.keys(n.params)).sort();
  return [...new Set([...declared, ...stored])];
}

/**
 * Every node and parameter of both documents, matched by node id (runs of one workflow keep their ids; runs
 * of different workflows show their nodes as present on one side only). Params compare by the value they run
 * with (`specs` gives the defaults). Rows come in A's node order, then nodes only B has; `same` marks rows
 * without a difference so the view can hide them.
 */
export function diffWorkflows(a: WorkflowDocument, b: WorkflowDocument, specs: ReadonlyMap<string, NodeSpec>): DiffRow[] {
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
      for (const p of paramKeys([only], specs)) rows.push(paramRow(id, p, na, nb, specs));
      continue;
    }
    rows.push({ kind: 'node', node: id, key: 'type', a: na.type, b: nb.type, same: na.type === nb.type });
    const bypassA = Boolean(na.bypass);
    const bypassB = Boolean(nb.bypass);
    if (bypassA || bypassB) rows.push({ kind: 'node', node: id, key: 'bypass', a: String(bypassA), b: String(bypassB), same: bypassA === bypassB });
    for (const k of paramKeys([na, nb], specs)) rows.push(paramRow(id, k, na, nb, specs));
  }
  const linksA = new Set(a.links.map(linkKey));
  const linksB = new Set(b.links.map(linkKey));
  for (const l of [...new Set([...linksA, ...linksB])].sort()) {
    rows.push({ kind: 'link', node: l, key: 'link', a: linksA.has(l) ? 'yes' : ABSENT, b: linksB.has(l) ? 'yes' : ABSENT, same: linksA.has(l) && linksB.has(l) });
  }
  return rows;
}
