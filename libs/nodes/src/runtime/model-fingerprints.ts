import type { RunPlan } from '../plan.js';
import { resolveParams } from '../params.js';
import type { ExecutorDeps } from './executor.js';

/**
 * The content of the models a planned run loads: the fingerprints of its model-loader nodes (for LVCD
 * bundles, the manifest's content hash, what a worker advertises for the bundles it has open). A loader
 * whose fingerprint cannot be taken (its bundle is missing) is left out: the run fails in that node, with its message.
 */
export async function modelFingerprints(plan: RunPlan, deps: Pick<ExecutorDeps, 'registry' | 'modelsDir' | 'assets'>): Promise<string[]> {
  const found = new Set<string>();
  const nodes = new Map(plan.document.nodes.map((n) => [n.id, n]));
  for (const id of plan.order) {
    const node = nodes.get(id);
    const type = node && !node.bypass ? deps.registry.get(node.type) : undefined;
    if (!node || !type?.fingerprint || !type.roles?.includes('model-loader')) continue;
    try {
      found.add(await type.fingerprint({ params: resolveParams(type.params, node.params), inputs: {}, modelsDir: deps.modelsDir, assets: deps.assets }));
    } catch {
      // Reported by the node when the run gets there.
    }
  }
  return [...found];
}
