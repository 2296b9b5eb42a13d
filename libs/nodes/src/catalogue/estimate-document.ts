// Per-node estimates of a workflow before it is queued (POST /api/plan): what each costly node (an LVCD sampler)
// will hold at its peak and how long it will take, with nothing decoded and no model run. Frame inputs are known
// by their shape (clip-shapes.ts); model bundles by running their loader node, which only reads the manifest.
import { planExecution } from '../graph.js';
import { resolveParams } from '../params.js';
import type { RunPlan } from '../plan.js';
import { executeWorkflow, type ExecutorDeps } from '../runtime/executor.js';
import type { FrameShape, NodeEstimate } from '../runtime/node-type.js';
import type { Value } from '../runtime/values.js';
import { frameShapeOf } from './clip-shapes.js';

/** One costly node's estimate, or why there is none before it runs. */
export type DocumentEstimate = { node: string; estimate: NodeEstimate } | { node: string; unknown: string };

/** Estimates of every node in the plan's document that declares one (bypassed ones aside), in document order. */
export async function estimateDocument(plan: RunPlan, deps: ExecutorDeps, signal: AbortSignal): Promise<DocumentEstimate[]> {
  const { document } = plan;
  const { registry } = deps;
  const costly = document.nodes.filter((n) => !n.bypass && registry.get(n.type)?.estimate);
  if (costly.length === 0) return [];
  const linksInto = (id: string) => document.links.filter((l) => l.to.node === id);
  const loaders = [...new Set(costly.flatMap((n) => linksInto(n.id).map((l) => l.from.node)))].filter((id) => {
    const node = document.nodes.find((n) => n.id === id)!;
    return !node.bypass && registry.get(node.type)?.roles?.includes('model-loader');
  });
  const loaded = loaders.length
    ? await executeWorkflow({ plan: { document, targets: loaders, order: planExecution(document, loaders) }, signal }, deps)
    : undefined;
  const params = (node: (typeof document.nodes)[number]) => resolveParams(registry.get(node.type)!.params, node.params);

  const answers: DocumentEstimate[] = [];
  for (const node of costly) {
    const type = registry.get(node.type)!;
    const inputs: Record<string, Value | FrameShape | undefined> = {};
    let unknown: string | undefined;
    for (const spec of type.inputs) {
      const link = linksInto(node.id).find((l) => l.to.input === spec.name);
      if (!link) continue;
      if (loaders.includes(link.from.node)) {
        const value = loaded?.outputs[link.from.node]?.[link.from.output];
        if (!value) unknown ??= loaded?.error?.message ?? `#${link.from.node} gave no ${link.from.output}`;
        inputs[spec.name] = value;
      } else if (spec.type === 'FRAMES' || spec.type === 'SKETCHES') {
        const answer = await frameShapeOf(document, link.from.node, deps.assets, params);
        if ('unknown' in answer) unknown ??= answer.unknown;
        else inputs[spec.name] = answer.shape;
      }
    }
    if (unknown) {
      answers.push({ node: node.id, unknown });
      continue;
    }
    try {
      answers.push({ node: node.id, estimate: await type.estimate!({ params: params(node), inputs, modelsDir: deps.modelsDir }) });
    } catch (e) {
      answers.push({ node: node.id, unknown: (e as Error).message });
    }
  }
  return answers;
}
