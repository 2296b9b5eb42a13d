// "Run again exactly": the document that repeats a recorded run (its seeds and inputs pinned), and what has
// changed on the server since the run (model files, ONNX Runtime, node versions). Browser-safe.
import type { RunRecord } from './run-record.js';
import type { WorkflowDocument } from './workflow.js';

/** What the server runs with now (GET /api/reproducibility). */
export interface ReproducibilityState {
  onnxRuntime: string;
  /** Bundles in the models dir by folder name; a damaged one has `problem` instead of hashes. */
  bundles: Record<string, { contentHash: string; converter: string; precision: 'fp32' | 'fp16' | 'fp16-compute' } | { problem: string }>;
  /** Node type versions by type id. */
  nodeVersions: Record<string, number>;
}

/**
 * The recorded document with every recorded seed and input asset written into its node's params, so a rerun
 * uses them even where the document left a param to its default (a default may change with a node version).
 * `pinned` says whether anything had to be written in.
 */
export function exactRerunDocument(record: RunRecord): { document: WorkflowDocument; pinned: boolean } {
  // A JSON copy: a document is JSON, and a reactive (proxied) record in the editor cannot be structured-cloned.
  const document = JSON.parse(JSON.stringify(record.document)) as WorkflowDocument;
  let pinned = false;
  const byId = new Map(document.nodes.map((n) => [n.id, n]));
  for (const fact of [...record.seeds.map((s) => ({ node: s.node, param: s.param, value: s.value })), ...record.inputs.map((i) => ({ node: i.node, param: i.param, value: i.sha256 }))]) {
    const node = byId.get(fact.node);
    if (!node || node.params[fact.param] === fact.value) continue;
    node.params[fact.param] = fact.value;
    pinned = true;
  }
  return { document, pinned };
}

/** Warnings, one sentence each, for what differs now from what the recorded run ran with; empty when nothing does. */
export function recordDrift(record: RunRecord, now: ReproducibilityState): string[] {
  const warnings: string[] = [];
  for (const [node, bundle] of Object.entries(record.bundles)) {
    const current = now.bundles[bundle.folder];
    if (!current) warnings.push(`The model bundle "${bundle.folder}" (#${node}) is no longer in the models folder.`);
    else if ('problem' in current) warnings.push(`The model bundle "${bundle.folder}" (#${node}) cannot be read now: ${current.problem}`);
    else if (current.contentHash !== bundle.contentHash) {
      const how = current.precision !== bundle.precision ? ` (${bundle.precision} then, ${current.precision} now)` : current.converter !== bundle.converter ? ` (converter ${bundle.converter} then, ${current.converter} now)` : '';
      warnings.push(`The model files of bundle "${bundle.folder}" (#${node}) changed since this run${how}: a rerun uses the new ones.`);
    }
  }
  const ran = Object.values(record.runtimes).map((r) => r.version);
  const version = ran[0] ?? (Object.keys(record.bundles).length > 0 ? record.onnxRuntime : undefined);
  if (version !== undefined && version !== now.onnxRuntime) warnings.push(`ONNX Runtime is ${now.onnxRuntime} now; this run used ${version}.`);
  for (const [id, node] of Object.entries(record.nodes)) {
    const current = now.nodeVersions[node.type];
    if (current === undefined) warnings.push(`Node #${id}'s type ${node.type} no longer exists.`);
    else if (current !== node.version) warnings.push(`Node #${id} (${node.type}) is version ${current} now; this run used version ${node.version}, which may have given other outputs.`);
  }
  return warnings;
}
