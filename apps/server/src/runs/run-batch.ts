// ComfyUI's batch count at the edge: `batch` of POST /api/runs checked, then the workflow written out once per run
// with the varied param stepped. Checked whole before any run is queued, so a batch is refused or queued entire.
import { BadRequestException } from '@nestjs/common';
import { MAX_SEED, type NodeSpec, type WorkflowDocument } from '@lvcd/nodes';
import { requireObject } from '../common/body.js';

export const MAX_BATCH = 100;

export interface RunBatch {
  count: number;
  /** The integer param that changes from run to run (a seed, typically): run i gets its value + i * step. */
  vary?: { node: string; param: string; step: number };
}

/** The shape of `batch`; absent means one run. Whether the node and param exist is the workflow's to say (below). */
export function parseBatch(raw: unknown): RunBatch | undefined {
  if (raw === undefined) return undefined;
  const body = requireObject(raw, '"batch"');
  const { count } = body;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_BATCH) {
    throw new BadRequestException(`"batch.count" must be a whole number from 1 to ${MAX_BATCH}`);
  }
  if (body.vary === undefined) return { count };
  const vary = requireObject(body.vary, '"batch.vary"');
  for (const key of ['node', 'param'] as const) {
    const v = vary[key];
    if (typeof v !== 'string' || v === '' || v.length > 128) throw new BadRequestException(`"batch.vary.${key}" must be a non-empty string of at most 128 characters`);
  }
  const step = vary.step ?? 1;
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step === 0) throw new BadRequestException('"batch.vary.step" must be a whole number other than 0 (1 when left out)');
  return { count, vary: { node: vary.node as string, param: vary.param as string, step } };
}

/** The batch's documents, run 0 first; a 400 naming the node, the param and the fix when the vary cannot apply. */
export function batchDocuments(document: WorkflowDocument, batch: RunBatch, specs: ReadonlyMap<string, NodeSpec>): WorkflowDocument[] {
  const { vary } = batch;
  if (!vary) return Array.from({ length: batch.count }, () => structuredClone(document));
  const node = document.nodes.find((n) => n.id === vary.node);
  if (!node) throw new BadRequestException(`batch.vary: the workflow has no node #${vary.node}; name one of ${document.nodes.map((n) => `#${n.id}`).join(', ')}`);
  const spec = specs.get(node.type)?.params.find((p) => p.name === vary.param);
  const schema = spec?.schema;
  if (!schema || (schema.kind !== 'integer' && schema.kind !== 'seed')) {
    const integers = specs.get(node.type)?.params.filter((p) => p.schema.kind === 'integer' || p.schema.kind === 'seed').map((p) => p.name) ?? [];
    const what = schema ? `is a ${schema.kind} param` : 'is not a param of it';
    throw new BadRequestException(`batch.vary: ${vary.param} of node #${node.id} (${node.type}) ${what}; vary a whole-number param${integers.length ? `: ${integers.join(', ')}` : ' (this node has none)'}`);
  }
  const [min, max] = schema.kind === 'seed' ? [0, MAX_SEED] : [schema.min, schema.max];
  const first = node.params[vary.param] ?? schema.default;
  if (typeof first !== 'number') throw new BadRequestException(`batch.vary: ${vary.param} of node #${node.id} is not a number in the workflow; set it first`);
  const last = first + (batch.count - 1) * vary.step;
  if (last < min || last > max) {
    const room = vary.step > 0 ? Math.floor((max - first) / vary.step) + 1 : Math.floor((first - min) / -vary.step) + 1;
    throw new BadRequestException(
      `batch.vary: ${vary.param} of node #${node.id} would reach ${last}, outside [${min}, ${max}]; queue at most ${Math.max(room, 0)} runs, or start ${vary.param} ${vary.step > 0 ? 'lower' : 'higher'}, or use a smaller step`,
    );
  }
  return Array.from({ length: batch.count }, (_, i) => {
    const copy = structuredClone(document);
    copy.nodes.find((n) => n.id === node.id)!.params[vary.param] = first + i * vary.step;
    return copy;
  });
}
