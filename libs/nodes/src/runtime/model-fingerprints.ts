import type { RunPlan } from '../plan.js';
import { resolveParams } from '../params.js';
import type { ParamValue } from '../types.js';
import type { ExecutorDeps } from './executor.js';
import type { NodeType } from './node-type.js';

/** The model-loader nodes a planned run executes (bypassed ones do not load), with their resolved params. */
export function plannedModelLoaders(plan: RunPlan, registry: ExecutorDeps['registry']): { type: NodeType; params: Record<string, ParamValue> }[] {
  const nodes = new Map(plan.document.nodes.map((n) => [n.id, n]));
  return plan.order.flatMap((id) => {
    const node = nodes.get(id);
    const type = node && !node.bypass ? registry.get(node.type) : undefined;
    return node && type?.roles?.includes('model-loader') ? [{ type, params: resolveParams(type.params, node.params) }] : [];
  });
}

/**
 * The content of the models a planned run loads: the fingerprints of its model-loader nodes (for LVCD
 * bundles, the manifest's content hash, what a worker advertises for the bundles it has open). A loader
 * whose fingerprint cannot be taken (its bundle is missing) is left out: the run fails in that node, with its message.
 */
export async function modelFingerprints(plan: RunPlan, deps: Pick<ExecutorDeps, 'registry' | 'modelsDir' | 'assets'>): Promise<string[]> {
  const found = new Set<string>();
  for (const { type, params } of plannedModelLoaders(plan, deps.registry)) {
    if (!type.fingerprint) continue;
    try {
      found.add(await type.fingerprint({ params, inputs: {}, modelsDir: deps.modelsDir, assets: deps.assets }));
    } catch {
      // Reported by the node when the run gets there.
    }
  }
  return [...found];
}
