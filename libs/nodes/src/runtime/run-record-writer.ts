import { onnxRuntimeVersion } from '@lvcd/models';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveParams } from '../params.js';
import type { RunPlan } from '../plan.js';
import { RUN_RECORD_FILE, RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type NodeProvenance, type RecordedAsset, type RecordedNode, type RecordedSeed, type RunRecord } from '../run-record.js';
import type { ParamValue } from '../types.js';
import type { ExecutionResult } from './events.js';
import { canonicalJson, sha256 } from './hash.js';
import { machineFacts } from './machine-facts.js';
import type { Artifact, AssetResolver } from './node-type.js';
import type { OutputStore } from './output-cache.js';
import type { NodeRegistry } from './registry.js';

/** What the executor learnt of one node while running it: the params it ran with and its provenance. */
export interface NodeFacts {
  params: Record<string, ParamValue>;
  provenance?: NodeProvenance;
}

export interface RecordInput {
  plan: RunPlan;
  result: Pick<ExecutionResult, 'status' | 'nodes'>;
  facts: ReadonlyMap<string, NodeFacts>;
  registry: NodeRegistry;
  assets: AssetResolver;
}

/** Nodes whose outputs the run used: their seeds and assets shaped what came out. */
const USED = new Set(['done', 'cached']);

/** The run's reproducibility record, from its plan, its outcome and what each node reported. */
export async function buildRunRecord({ plan, result, facts, registry, assets }: RecordInput): Promise<RunRecord> {
  const byId = new Map(plan.document.nodes.map((n) => [n.id, n]));
  const nodes: Record<string, RecordedNode> = {};
  const seeds: RecordedSeed[] = [];
  const inputs: RecordedAsset[] = [];
  const bundles: RunRecord['bundles'] = {};
  const runtimes: RunRecord['runtimes'] = {};
  for (const id of plan.order) {
    const node = byId.get(id)!;
    const type = registry.get(node.type)!;
    const known = facts.get(id);
    const params = known?.params ?? resolveParams(type.params, node.params);
    const status = result.nodes[id]?.status ?? 'not reached';
    nodes[id] = { type: type.type, version: type.version, status, params, ...(known?.provenance ? { provenance: known.provenance } : {}) };
    if (!USED.has(status)) continue;
    for (const spec of type.params) {
      const value = params[spec.name];
      if (spec.schema.kind === 'seed' && typeof value === 'number') seeds.push({ node: id, param: spec.name, value });
      if (spec.schema.kind === 'asset' && typeof value === 'string') {
        const info = assets.info(value);
        inputs.push({ node: id, param: spec.name, sha256: value, ...(info ? { name: info.name, size: info.size } : {}) });
      }
    }
    if (known?.provenance?.bundle) bundles[id] = known.provenance.bundle;
    if (known?.provenance?.runtime) runtimes[id] = known.provenance.runtime;
  }
  return {
    format: RUN_RECORD_FORMAT,
    formatVersion: RUN_RECORD_VERSION,
    createdAt: new Date().toISOString(),
    status: result.status,
    workflowHash: sha256(canonicalJson(plan.document)),
    document: plan.document,
    targets: plan.targets,
    nodes,
    seeds,
    inputs,
    bundles,
    runtimes,
    onnxRuntime: onnxRuntimeVersion(),
    machine: await machineFacts(),
  };
}

/**
 * Writes the record as `run.json` into an output-cache entry of its own (keyed by its content, so it never
 * collides with a node's), where callers adopt it like any artefact: the server into the run, the CLI to --out.
 */
export async function writeRunRecord(record: RunRecord, cache: OutputStore): Promise<{ key: string; artifact: Artifact }> {
  const text = JSON.stringify(record, null, 2);
  const key = `run-record-${sha256(text)}`;
  const { artifacts } = await cache.produce(key, async (dir) => {
    const file = join(dir, RUN_RECORD_FILE);
    await writeFile(file, text);
    const meta = { workflowHash: record.workflowHash, seeds: record.seeds.length, bundles: Object.keys(record.bundles).length };
    return { outputs: {}, artifacts: [{ file, name: RUN_RECORD_FILE, mime: 'application/json', kind: 'json', meta }] };
  });
  const artifact = artifacts[0];
  // An entry under this key without its file would hand the run an artefact that is not there.
  if (!artifact) throw new Error(`the run record ${key} is cached without its ${RUN_RECORD_FILE}`);
  return { key, artifact };
}
