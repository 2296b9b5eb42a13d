import { nodeCacheKey } from './hash.js';
import { resolveParams } from '../params.js';
import type { RunPlan } from '../plan.js';
import { socketAccepts, type ParamValue } from '../types.js';
import type { WorkflowDocument, WorkflowNode } from '../workflow.js';
import type { ExecutionEvent, ExecutionResult } from './events.js';
import { checkpointsOf, type CheckpointStore } from './checkpoints.js';
import type { DecodeOffload } from './decode-offload.js';
import { CancelledError, NodeError, type Artifact, type AssetResolver, type NodeType, type Outputs } from './node-type.js';
import type { OutputStore } from './output-cache.js';
import type { NodeRegistry } from './registry.js';
import { buildRunRecord, writeRunRecord, type NodeFacts } from './run-record-writer.js';
import { VALUE_KIND, type Value } from './values.js';
import { RUN_RECORD_NODE } from '../run-record.js';

export interface ExecutorDeps {
  registry: NodeRegistry;
  /** Node outputs by content key (the data dir's cache folder, shared by every process). */
  cache: OutputStore;
  assets: AssetResolver & { exists(id: string): boolean };
  modelsDir: string;
  /** Where nodes that work in long steps (LVCD's windows) save them, so a re-execution after a crash resumes. */
  checkpoints?: CheckpointStore;
  /** Where LVCD nodes may send decode chunks, so another worker decodes while this one samples (scale-out). */
  decodeOffload?: DecodeOffload;
}

export interface ExecutionRequest {
  /** What to run, from `planRun` (validated once, where the run was submitted). */
  plan: RunPlan;
  signal: AbortSignal;
  onEvent?: (event: ExecutionEvent) => void;
}

interface Computed {
  outputs: Outputs;
  keys: Record<string, string>;
}

/**
 * Executes a run plan node by node in dependency order, reusing cached outputs by content key. Cancellation is
 * checked between nodes and passed into each node, which checks it between its own steps. A failing node fails
 * the run with its message; nothing else breaks. Every node of the plan that is reached ends with exactly one
 * terminal event: cached, finished, bypassed or failed (a cancelled run's remaining nodes end with the run).
 * Every run that ends, however it ends, gets its reproducibility record as the last artefact (`run.json`).
 */
export async function executeWorkflow(request: ExecutionRequest, deps: ExecutorDeps): Promise<ExecutionResult> {
  const { document, order } = request.plan;
  const emit = request.onEvent ?? (() => undefined);
  const nodesById = new Map(document.nodes.map((n) => [n.id, n]));
  const computed = new Map<string, Computed>();
  const result: ExecutionResult = { status: 'succeeded', nodes: {}, artifacts: [], cacheKeys: [], outputs: {} };
  const targets = new Set(request.plan.targets);
  const facts = new Map<string, NodeFacts>();

  for (const id of order) {
    const node = nodesById.get(id)!;
    const type = deps.registry.get(node.type)!;
    if (request.signal.aborted) {
      result.status = 'cancelled';
      break;
    }
    const started = performance.now();
    try {
      const { inputs, inputKeys } = gatherInputs(document, node, type, computed);
      if (node.bypass) {
        computed.set(id, bypass(node, type, inputs, inputKeys));
        emit({ type: 'node:bypassed', node: id });
        result.nodes[id] = { status: 'bypassed', ms: 0 };
        continue;
      }
      const params = resolveParams(type.params, node.params);
      facts.set(id, { params });
      const fingerprint = type.fingerprint ? await type.fingerprint({ params, inputs, modelsDir: deps.modelsDir, assets: deps.assets }) : undefined;
      const key = nodeCacheKey(type.type, type.version, params, inputKeys, fingerprint);
      result.cacheKeys.push(key);
      const hit = await deps.cache.get(key);
      let outputs: Outputs;
      let artifacts: Artifact[];
      if (hit) {
        ({ outputs, artifacts } = hit);
        emit({ type: 'node:cached', node: id, artifacts });
        result.nodes[id] = { status: 'cached', ms: performance.now() - started };
      } else {
        emit({ type: 'node:started', node: id, nodeType: type.type });
        ({ outputs, artifacts } = await deps.cache.produce(key, (outDir) =>
          runNode(type, { id, key, params, inputs, outDir, document, request, deps, emit }),
        ));
        // Cached now: its checkpoints have done their job. A failed or cancelled node keeps them for the next try.
        await deps.checkpoints?.clear(key);
        const ms = performance.now() - started;
        emit({ type: 'node:finished', node: id, ms, artifacts });
        result.nodes[id] = { status: 'done', ms };
      }
      for (const artifact of artifacts) result.artifacts.push({ node: id, artifact });
      const provenance = await type.provenance?.({ params, outputs, artifacts });
      if (provenance) facts.set(id, { params, provenance });
      computed.set(id, { outputs, keys: Object.fromEntries(type.outputs.map((o) => [o.name, `${key}:${o.name}`])) });
      if (targets.has(id)) result.outputs[id] = outputs;
    } catch (e) {
      const ms = performance.now() - started;
      if (e instanceof CancelledError || request.signal.aborted) {
        result.nodes[id] = { status: 'cancelled', ms };
        result.status = 'cancelled';
        break;
      }
      const message = e instanceof Error ? e.message : String(e);
      const field = e instanceof NodeError ? e.field : undefined;
      emit({ type: 'node:failed', node: id, message, ...(field ? { field } : {}) });
      result.nodes[id] = { status: 'failed', ms };
      result.status = 'failed';
      result.error = { node: id, message, ...(field ? { field } : {}) };
      break;
    }
  }
  await attachRecord(request, deps, result, facts);
  return result;
}

async function attachRecord(request: ExecutionRequest, deps: ExecutorDeps, result: ExecutionResult, facts: ReadonlyMap<string, NodeFacts>): Promise<void> {
  const record = await buildRunRecord({ plan: request.plan, result, facts, registry: deps.registry, assets: deps.assets });
  const { key, artifact } = await writeRunRecord(record, deps.cache);
  result.cacheKeys.push(key);
  result.artifacts.push({ node: RUN_RECORD_NODE, artifact });
  result.record = record;
  (request.onEvent ?? (() => undefined))({ type: 'artifact', node: RUN_RECORD_NODE, artifact });
}

interface RunNodeArgs {
  id: string;
  key: string;
  params: Record<string, ParamValue>;
  inputs: Record<string, Value | undefined>;
  outDir: string;
  document: WorkflowDocument;
  request: ExecutionRequest;
  deps: ExecutorDeps;
  emit: (event: ExecutionEvent) => void;
}

async function runNode(type: NodeType, a: RunNodeArgs): Promise<{ outputs: Outputs; artifacts: Artifact[] }> {
  const artifacts: Artifact[] = [];
  const outputs = await type.execute({
    nodeId: a.id,
    params: a.params,
    inputs: a.inputs,
    outDir: a.outDir,
    signal: a.request.signal,
    progress: (value, max, text) => a.emit({ type: 'node:progress', node: a.id, value, max, ...(text ? { text } : {}) }),
    frame: (preview) => a.emit({ type: 'frame', node: a.id, ...preview }),
    artifact: (artifact) => {
      artifacts.push(artifact);
      a.emit({ type: 'artifact', node: a.id, artifact });
    },
    assets: a.deps.assets,
    modelsDir: a.deps.modelsDir,
    workflow: a.document,
    ...(a.deps.checkpoints ? { checkpoints: checkpointsOf(a.deps.checkpoints, a.key) } : {}),
    ...(a.deps.decodeOffload ? { decodeOffload: a.deps.decodeOffload } : {}),
  });
  for (const o of type.outputs) {
    if (!outputs[o.name]) throw new Error(`${type.title} produced no "${o.name}" output (a bug in the node type)`);
  }
  return { outputs, artifacts };
}

function gatherInputs(doc: WorkflowDocument, node: WorkflowNode, type: NodeType, computed: Map<string, Computed>) {
  const inputs: Record<string, Value | undefined> = {};
  const inputKeys: Record<string, string> = {};
  for (const link of doc.links) {
    if (link.to.node !== node.id) continue;
    const source = computed.get(link.from.node);
    if (!source) throw new Error(`input ${link.to.input} was not computed (planner bug)`);
    const key = source.keys[link.from.output];
    // Without its key the input would drop out of this node's cache key, and a changed input would hit a stale entry.
    if (key === undefined) throw new Error(`output ${link.from.output} of ${link.from.node} has no cache key (planner bug)`);
    inputs[link.to.input] = source.outputs[link.from.output];
    inputKeys[link.to.input] = key;
  }
  // Validation checked the link types; this checks the values, so a node's typed inputs hold what they say.
  for (const input of type.inputs) {
    const value = inputs[input.name];
    if (value === undefined) {
      if (!input.optional) throw new Error(`input "${input.name}" of ${type.title} has no value (planner bug)`);
      inputs[input.name] = undefined;
    } else if (value.kind !== VALUE_KIND[input.type]) {
      throw new Error(`input "${input.name}" of ${type.title} got ${value.kind} where ${input.type} was declared (a bug in the node feeding it)`);
    }
  }
  return { inputs, inputKeys };
}

/** A bypassed node hands each output the first input of a type that output can carry. */
function bypass(node: WorkflowNode, type: NodeType, inputs: Record<string, Value | undefined>, inputKeys: Record<string, string>): Computed {
  const outputs: Outputs = {};
  const keys: Record<string, string> = {};
  for (const output of type.outputs) {
    const input = type.inputs.find((i) => socketAccepts(output.type, i.type) && inputs[i.name]);
    const value = input && inputs[input.name];
    const key = input && inputKeys[input.name];
    if (!value || key === undefined) throw new Error(`${type.title} is bypassed but has no ${output.type} input to pass through as "${output.name}"; un-bypass it`);
    outputs[output.name] = value;
    keys[output.name] = key;
  }
  return { outputs, keys };
}
