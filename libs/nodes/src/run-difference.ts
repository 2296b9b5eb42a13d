// "Why do these two runs differ?": the causes two run records show, in words. Browser-safe (the compare view).
import type { RecordedBundle, RecordedRuntime, RunRecord } from './run-record.js';

export type DifferenceKind = 'param' | 'seed' | 'input' | 'node' | 'link' | 'node-version' | 'models' | 'provider' | 'precision' | 'runtime' | 'machine';

export interface RunDifferenceReason {
  kind: DifferenceKind;
  /** The node it is about ('' for the whole run). */
  node: string;
  /** The param, model or runtime fact that differs, when there is one. */
  what?: string;
  a?: string;
  b?: string;
  /** The reason in one sentence. */
  text: string;
}

export interface RunDifference {
  reasons: RunDifferenceReason[];
  /**
   * True when nothing that shapes the output differs (the same workflow, inputs, seeds, node versions, model
   * files, provider, precision and ONNX Runtime), so the same output is expected; another machine may still
   * give tiny float differences and is named as a reason of its own.
   */
  sameOutputExpected: boolean;
  /** A one-line summary for the view's heading. */
  summary: string;
}

/** Reasons that change what the output should be; a machine alone changes only rounding. */
const SHAPING = new Set<DifferenceKind>(['param', 'seed', 'input', 'node', 'link', 'node-version', 'models', 'provider', 'precision', 'runtime']);

const short = (hash: string) => `${hash.slice(0, 12)}…`;

/** A stable text form of a recorded value (objects with sorted keys). */
function shown(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([x], [y]) => (x < y ? -1 : 1))) : v));
}

/** Why runs A and B (their records) may give different outputs, most decisive causes first. */
export function explainRunDifference(a: RunRecord, b: RunRecord): RunDifference {
  const reasons: RunDifferenceReason[] = [];
  const add = (r: RunDifferenceReason) => reasons.push(r);
  nodeDifferences(a, b, add);
  linkDifferences(a, b, add);
  for (const id of new Set([...Object.keys(a.bundles), ...Object.keys(b.bundles)])) bundleDifferences(id, a.bundles[id], b.bundles[id], add);
  for (const id of new Set([...Object.keys(a.runtimes), ...Object.keys(b.runtimes)])) runtimeDifferences(id, a.runtimes[id], b.runtimes[id], add);
  machineDifferences(a, b, add);
  const order: DifferenceKind[] = ['input', 'seed', 'param', 'node', 'link', 'node-version', 'models', 'precision', 'provider', 'runtime', 'machine'];
  reasons.sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind));
  const sameOutputExpected = !reasons.some((r) => SHAPING.has(r.kind));
  const summary = sameOutputExpected
    ? reasons.length === 0
      ? 'Nothing differs: same workflow, inputs, seeds, model files, provider, precision, runtime and machine, so the same output is expected.'
      : 'Same workflow, inputs, seeds, model files and runtime on another machine: the same output is expected, up to float rounding.'
    : `${reasons.filter((r) => SHAPING.has(r.kind)).length} difference${reasons.filter((r) => SHAPING.has(r.kind)).length === 1 ? '' : 's'} that change the output.`;
  return { reasons, sameOutputExpected, summary };
}

function nodeDifferences(a: RunRecord, b: RunRecord, add: (r: RunDifferenceReason) => void): void {
  const seedParams = new Set([...a.seeds, ...b.seeds].map((s) => `${s.node}|${s.param}`));
  const assetParams = new Set([...a.inputs, ...b.inputs].map((i) => `${i.node}|${i.param}`));
  const inputOf = (r: RunRecord, node: string, param: string) => r.inputs.find((i) => i.node === node && i.param === param);
  for (const id of new Set([...Object.keys(a.nodes), ...Object.keys(b.nodes)])) {
    const na = a.nodes[id];
    const nb = b.nodes[id];
    if (!na || !nb) {
      add({ kind: 'node', node: id, what: 'present', a: na?.type ?? '—', b: nb?.type ?? '—', text: `Node #${id} (${(na ?? nb)!.type}) is only in run ${na ? 'A' : 'B'}.` });
      continue;
    }
    if (na.type !== nb.type) {
      add({ kind: 'node', node: id, what: 'type', a: na.type, b: nb.type, text: `Node #${id} is ${na.type} in A and ${nb.type} in B.` });
      continue;
    }
    if ((na.status === 'bypassed') !== (nb.status === 'bypassed')) {
      add({ kind: 'node', node: id, what: 'bypass', a: String(na.status === 'bypassed'), b: String(nb.status === 'bypassed'), text: `Node #${id} is bypassed in ${na.status === 'bypassed' ? 'A' : 'B'} only.` });
    }
    if (na.version !== nb.version) {
      add({ kind: 'node-version', node: id, what: 'version', a: String(na.version), b: String(nb.version), text: `Node #${id} (${na.type}) is version ${na.version} in A and ${nb.version} in B: a new version may give other outputs for the same params.` });
    }
    for (const param of new Set([...Object.keys(na.params), ...Object.keys(nb.params)])) {
      const va = shown(na.params[param]);
      const vb = shown(nb.params[param]);
      if (va === vb) continue;
      const key = `${id}|${param}`;
      if (assetParams.has(key)) {
        const ia = inputOf(a, id, param);
        const ib = inputOf(b, id, param);
        const name = (i: typeof ia, v: string) => (i?.name ? `${i.name} (${short(v)})` : short(v));
        add({ kind: 'input', node: id, what: param, a: va, b: vb, text: `Another input: #${id} ${param} is ${name(ia, va)} in A and ${name(ib, vb)} in B.` });
      } else if (seedParams.has(key)) {
        add({ kind: 'seed', node: id, what: param, a: va, b: vb, text: `Another seed: #${id} ${param} is ${va} in A and ${vb} in B, so the noise differs.` });
      } else {
        add({ kind: 'param', node: id, what: param, a: va, b: vb, text: `A param changed: #${id} ${param} is ${va} in A and ${vb} in B.` });
      }
    }
  }
}

function linkDifferences(a: RunRecord, b: RunRecord, add: (r: RunDifferenceReason) => void): void {
  const keyOf = (l: RunRecord['document']['links'][number]) => `${l.from.node}.${l.from.output} → ${l.to.node}.${l.to.input}`;
  const la = new Set(a.document.links.map(keyOf));
  const lb = new Set(b.document.links.map(keyOf));
  for (const l of [...la].filter((x) => !lb.has(x))) add({ kind: 'link', node: '', what: l, text: `The link ${l} is only in run A.` });
  for (const l of [...lb].filter((x) => !la.has(x))) add({ kind: 'link', node: '', what: l, text: `The link ${l} is only in run B.` });
}

function bundleDifferences(id: string, a: RecordedBundle | undefined, b: RecordedBundle | undefined, add: (r: RunDifferenceReason) => void): void {
  if (!a || !b || a.contentHash === b.contentHash) return;
  if (a.precision !== b.precision) {
    add({ kind: 'precision', node: id, what: 'weights', a: a.precision, b: b.precision, text: `Another precision: the bundle of #${id} stores ${a.precision} weights in A and ${b.precision} in B.` });
  }
  const files = [...new Set([...Object.keys(a.models), ...Object.keys(b.models)])].filter((m) => shown(a.models[m]) !== shown(b.models[m])).sort();
  const converter = a.converter !== b.converter ? ` (converter ${a.converter} in A, ${b.converter} in B)` : '';
  const folder = a.folder === b.folder ? `bundle "${a.folder}"` : `bundle "${a.folder}" in A and "${b.folder}" in B`;
  add({ kind: 'models', node: id, what: files.join(', '), a: a.contentHash, b: b.contentHash, text: `Other model files: #${id} loads ${folder}; its ${files.length ? `${files.join(', ')} files` : 'files'} differ${converter}.` });
}

function runtimeDifferences(id: string, a: RecordedRuntime | undefined, b: RecordedRuntime | undefined, add: (r: RunDifferenceReason) => void): void {
  if (!a || !b) return;
  if (a.provider !== b.provider) add({ kind: 'provider', node: id, what: 'provider', a: a.provider, b: b.provider, text: `Another provider: #${id} ran on ${a.provider} in A and ${b.provider} in B.` });
  else if (shown(a.providers) !== shown(b.providers)) add({ kind: 'provider', node: id, what: 'providers', a: shown(a.providers), b: shown(b.providers), text: `Another provider for some models of #${id}: ${shown(a.providers)} in A, ${shown(b.providers)} in B.` });
  if (a.version !== b.version) add({ kind: 'runtime', node: id, what: 'version', a: a.version, b: b.version, text: `Another ONNX Runtime: #${id} ran on ${a.version} in A and ${b.version} in B.` });
  if (shown(a.sessionOptions) !== shown(b.sessionOptions) && a.provider === b.provider) {
    add({ kind: 'runtime', node: id, what: 'sessionOptions', a: shown(a.sessionOptions), b: shown(b.sessionOptions), text: `Other session options for #${id}: ${shown(a.sessionOptions)} in A, ${shown(b.sessionOptions)} in B.` });
  }
}

function machineDifferences(a: RunRecord, b: RunRecord, add: (r: RunDifferenceReason) => void): void {
  const gpus = (r: RunRecord) => r.machine.gpus.map((g) => `${g.name} (driver ${g.driver})`).join(', ') || 'no GPU';
  if (a.machine.cpu !== b.machine.cpu) add({ kind: 'machine', node: '', what: 'cpu', a: a.machine.cpu, b: b.machine.cpu, text: `Another CPU: ${a.machine.cpu} in A, ${b.machine.cpu} in B.` });
  if (gpus(a) !== gpus(b)) add({ kind: 'machine', node: '', what: 'gpu', a: gpus(a), b: gpus(b), text: `Another GPU: ${gpus(a)} in A, ${gpus(b)} in B.` });
}

/** The frames' agreement the compare metrics measured (B against A), per frame PSNR in dB. */
export interface OutputAgreement {
  psnr: readonly number[];
  /** PSNR the measure reports for equal frames (its cap). */
  capDb: number;
}

/**
 * Whether the outputs agree, said against what the records expect: equal frames where nothing differs is
 * the expected outcome, unequal ones then point at nondeterminism (or a cause the records do not hold).
 */
export function outputVerdict(difference: RunDifference, agreement: OutputAgreement): { same: boolean; text: string } {
  const frames = agreement.psnr.length;
  const worst = frames ? Math.min(...agreement.psnr) : agreement.capDb;
  const worstAt = agreement.psnr.indexOf(worst);
  const same = frames > 0 && worst >= agreement.capDb;
  if (difference.sameOutputExpected) {
    return same
      ? { same, text: `The outputs match as expected: all ${frames} frames at ${agreement.capDb} dB PSNR (the measure's cap).` }
      : { same, text: frames ? `The outputs differ although nothing in the records does: frame ${worstAt} is at ${worst.toFixed(2)} dB. The run is not deterministic here (or a cause the record does not hold differs).` : 'There are no frames to compare.' };
  }
  return same
    ? { same, text: `The outputs match (all ${frames} frames at ${agreement.capDb} dB) despite the differences above.` }
    : { same, text: `The outputs differ (lowest PSNR ${worst.toFixed(2)} dB at frame ${worstAt}), as the differences above explain.` };
}
