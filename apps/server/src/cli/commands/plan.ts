import { planRun, resolveParams, type WorkflowDocument } from '@lvcd/nodes';
import { executeWorkflow, type NodeEstimate, type Value } from '@lvcd/nodes/runtime';
import { loadConfig } from '../../config/config.js';
import { createRuntime, type Runtime } from '../../runtime/runtime.js';
import { onePositional, parse } from '../args.js';
import { EXIT, type Command } from '../command.js';
import { ProgressReporter } from '../progress.js';
import { localImporter } from '../local-assets.js';
import { applyOverrides, parseOverride } from '../overrides.js';
import { cliProblemText } from '../problem-text.js';
import { readWorkflowFile } from '../read-workflow.js';

/**
 * `lvcd plan`: what a workflow's costly nodes (those with an estimate, the LVCD samplers) will take before it runs.
 * Their inputs must be known, so it runs what feeds them (clip loading, resizing, lineart: cheap, and cached for the
 * real run), then asks each for its estimate of peak memory and time on this machine.
 */
export const planCommand: Command = {
  name: 'plan',
  summary: "estimate the peak memory and time of a workflow's LVCD nodes before running it",
  usage: 'lvcd plan <workflow.json> [--set NODE.PARAM=VALUE]... [--data-dir DIR] [--models-dir DIR]   (--set as for lvcd run)',
  async run(args) {
    const { values, positionals } = parse(args, { set: { type: 'string', multiple: true }, 'data-dir': { type: 'string' }, 'models-dir': { type: 'string' } });
    const file = onePositional(positionals, 'workflow file');
    const config = loadConfig(process.env, {
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values['models-dir'] ? { modelsDir: values['models-dir'] } : {}),
    });
    const overrides = (values.set ?? []).map(parseOverride);
    const runtime = await createRuntime(config);
    const raw = await applyOverrides(await readWorkflowFile(file), overrides, runtime.registry.specs, localImporter(runtime.assets, config.security));
    const checked = planRun(raw, runtime.registry, { assetExists: (id) => runtime.assets.exists(id) });
    if (!checked.plan) {
      console.error(`${file} cannot run: ${checked.problems.map((p) => cliProblemText(p, raw, runtime.registry.specs)).join('; ')}`);
      return EXIT.failed;
    }
    const { document } = checked.plan;
    const costly = document.nodes.filter((n) => runtime.registry.get(n.type)?.estimate && checked.plan.order.includes(n.id));
    if (costly.length === 0) {
      console.log(`${file}: no node with an estimate (LVCD Colorize or Sample) in what it runs`);
      return EXIT.ok;
    }
    const feeders = [...new Set(document.links.filter((l) => costly.some((n) => n.id === l.to.node)).map((l) => l.from.node))];
    const inputs = await runFeeders(document, feeders, runtime);
    if (!inputs) return EXIT.failed;
    let allFit = true;
    for (const node of costly) {
      const type = runtime.registry.get(node.type)!;
      const nodeInputs: Record<string, Value | undefined> = {};
      for (const l of document.links) if (l.to.node === node.id) nodeInputs[l.to.input] = inputs[l.from.node]?.[l.from.output];
      const estimate = await type.estimate!({ params: resolveParams(type.params, node.params), inputs: nodeInputs, modelsDir: runtime.modelsDir });
      allFit &&= estimate.fits;
      print(node.title ?? type.title, node.id, estimate);
    }
    return allFit ? EXIT.ok : EXIT.failed;
  },
};

/** Runs the nodes that feed the costly ones, with a progress bar; their outputs by node id, or undefined on failure. */
async function runFeeders(document: WorkflowDocument, feeders: string[], runtime: Runtime) {
  const { plan } = planRun(document, runtime.registry, { targets: feeders });
  if (!plan) return undefined;
  const titles = new Map(document.nodes.map((n) => [n.id, n.title ?? runtime.registry.get(n.type)!.title]));
  const progress = new ProgressReporter(process.stdout, plan.order.length, titles);
  const result = await executeWorkflow({ plan, signal: new AbortController().signal, onEvent: (e) => progress.onEvent(e) }, runtime);
  progress.finish();
  if (result.status !== 'succeeded') {
    console.error(`the nodes feeding the estimate failed: node ${result.error?.node}: ${result.error?.message}`);
    return undefined;
  }
  return result.outputs;
}

function print(title: string, id: string, e: NodeEstimate): void {
  console.log(`${title} (${id}): ${e.fits ? 'fits' : 'DOES NOT FIT'}`);
  for (const line of e.details) console.log(`  ${line}`);
}
