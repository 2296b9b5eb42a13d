import { describeProblem, planRun, WorkflowInvalidError, type Problem } from '@lvcd/nodes';
import { executeWorkflow, type Artifact } from '@lvcd/nodes/runtime';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/config.js';
import { createRuntime } from '../../runtime/runtime.js';
import { onePositional, parse } from '../args.js';
import { EXIT, type Command } from '../command.js';
import { formatMs, ProgressReporter } from '../progress.js';
import { readWorkflowFile } from '../read-workflow.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run a workflow file headless and copy its outputs to a folder',
  usage: 'lvcd run <workflow.json> [--out DIR] [--data-dir DIR] [--models-dir DIR]',
  async run(args) {
    const { values, positionals } = parse(args, {
      out: { type: 'string' },
      'data-dir': { type: 'string' },
      'models-dir': { type: 'string' },
    });
    const file = onePositional(positionals, 'workflow file');
    const config = loadConfig(process.env, {
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values['models-dir'] ? { modelsDir: values['models-dir'] } : {}),
    });
    const outDir = resolve(values.out ?? 'lvcd-output');
    const raw = await readWorkflowFile(file);
    const runtime = await createRuntime(config);

    const { plan, problems } = planRun(raw, runtime.registry, { assetExists: (id) => runtime.assets.exists(id) });
    if (!plan) return printProblems(file, problems);

    const titles = new Map(plan.document.nodes.map((n) => [n.id, n.title ?? runtime.registry.get(n.type)!.title]));
    const progress = new ProgressReporter(process.stdout, plan.order.length, titles);
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    const started = performance.now();
    try {
      const result = await executeWorkflow({ plan, signal: controller.signal, onEvent: (e) => progress.onEvent(e) }, runtime);
      progress.finish();
      const elapsed = formatMs(performance.now() - started);
      if (result.status === 'cancelled') {
        console.error(`cancelled after ${elapsed}`);
        return EXIT.interrupted;
      }
      if (result.status === 'failed') {
        console.error(`failed after ${elapsed}: node ${result.error?.node}: ${result.error?.message}`);
        return EXIT.failed;
      }
      const written = await copyArtifacts(result.artifacts, outDir);
      console.log(`succeeded in ${elapsed}; ${written.length} file${written.length === 1 ? '' : 's'} in ${outDir}`);
      for (const w of written) console.log(`  ${w}`);
      return EXIT.ok;
    } catch (e) {
      progress.finish();
      if (e instanceof WorkflowInvalidError) return printProblems(file, e.problems);
      throw e;
    } finally {
      process.off('SIGINT', onSignal);
    }
  },
};

function printProblems(file: string, problems: Problem[]): number {
  console.error(`${file} cannot run: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  for (const p of problems) console.error(`  - [${p.code}] ${describeProblem(p)}`);
  return EXIT.failed;
}

/** Copies each artefact out of the cache; a name two nodes share gets the node id in front. */
async function copyArtifacts(artifacts: { node: string; artifact: Artifact }[], outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const taken = new Set<string>();
  const written: string[] = [];
  for (const { node, artifact } of artifacts) {
    const name = taken.has(artifact.name) ? `${node}-${artifact.name}` : artifact.name;
    taken.add(name);
    const target = join(outDir, name);
    await copyFile(artifact.file, target);
    written.push(target);
  }
  return written;
}
