import { planExecution } from './graph.js';
import type { Problem } from './problems.js';
import type { NodeSpec } from './types.js';
import { validateWorkflow, type ValidationOptions } from './validate.js';
import type { WorkflowDocument } from './workflow.js';

/**
 * A workflow checked and planned once, as plain data: the server plans at submission and hands the plan to
 * whatever executes it (in this process or a worker), the CLI plans before it runs, and the executor only
 * executes plans. `order` is every node the targets need, in dependency order.
 */
export interface RunPlan {
  document: WorkflowDocument;
  targets: string[];
  order: string[];
}

export type RunPlanResult = { plan: RunPlan; problems: [] } | { plan: undefined; problems: Problem[] };

/** What planning needs of a node catalogue: a registry, or the editor's spec map. */
export interface PlanCatalogue {
  specs: ReadonlyMap<string, NodeSpec>;
}

/**
 * Validates a document from anywhere (a client, a file) and plans its run: the given targets, or by default every
 * output node. Every problem comes back at once; a plan comes back only when there is none.
 */
export function planRun(
  input: unknown,
  catalogue: PlanCatalogue,
  options: { targets?: readonly string[]; assetExists?: ValidationOptions['assetExists'] } = {},
): RunPlanResult {
  const { document, problems } = validateWorkflow(input, { specs: catalogue.specs, ...(options.assetExists ? { assetExists: options.assetExists } : {}) });
  if (!document) return { plan: undefined, problems };
  const ids = new Set(document.nodes.map((n) => n.id));
  for (const t of options.targets ?? []) {
    if (!ids.has(t)) problems.push({ code: 'unknown-node', node: t, message: `target ${t} is not a node of the workflow`, fix: 'run a node that exists' });
  }
  const targets = options.targets ? [...options.targets] : document.nodes.filter((n) => catalogue.specs.get(n.type)?.isOutput).map((n) => n.id);
  if (targets.length === 0) {
    problems.push({ code: 'nothing-to-run', message: 'the workflow has no output node', fix: 'add a Save or Preview node' });
  }
  if (problems.length > 0) return { plan: undefined, problems };
  return { plan: { document, targets, order: planExecution(document, targets) }, problems: [] };
}
