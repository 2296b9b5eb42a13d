import { planRun, WorkflowInvalidError, type NodeSpec, type Problem } from '@lvcd/nodes';
import { createBuiltinRegistry } from '@lvcd/nodes/catalogue';
import { executeWorkflow, type Artifact } from '@lvcd/nodes/runtime';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/config.js';
import { createRuntime } from '../../runtime/runtime.js';
import { onePositional, parse } from '../args.js';
import { EXIT, type Command } from '../command.js';
import { checkKind, localImporter } from '../local-assets.js';
import { uniqueOutputName } from '../output-names.js';
import { applyOverrides, parseOverride, type Override } from '../overrides.js';
import { cliProblemText } from '../problem-text.js';
import { formatMs, ProgressReporter } from '../progress.js';
import { readWorkflowFile } from '../read-workflow.js';
import { StudioClient, StudioRefusal } from '../studio-client.js';
import { describeOutcome, downloadArtifacts, runOnStudio } from '../studio-run.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run a workflow file headless (or on a running studio with --server) and copy its outputs to a folder',
  usage:
    'lvcd run <workflow.json> [--set NODE.PARAM=VALUE]... [--out DIR] [--data-dir DIR] [--models-dir DIR] [--server URL [--token TOKEN]]\n' +
    '  --set    sets a param of one node; for a file param, a path to a file (or a folder of numbered images for Load Frames) is added to the assets first\n' +
    '  --server queues the run on that studio (it shows in its History) and follows it; Ctrl-C cancels it there. --token defaults to LVCD_AUTH_TOKEN',
  async run(args) {
    const { values, positionals } = parse(args, {
      set: { type: 'string', multiple: true },
      out: { type: 'string' },
      'data-dir': { type: 'string' },
      'models-dir': { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
    });
    const file = onePositional(positionals, 'workflow file');
    const overrides = (values.set ?? []).map(parseOverride);
    const outDir = values.out === undefined ? undefined : resolve(values.out);
    const raw = await readWorkflowFile(file);
    if (values.server) return runRemote(file, raw, overrides, new StudioClient(values.server, values.token ?? process.env.LVCD_AUTH_TOKEN), outDir);
    return runLocal(file, raw, overrides, outDir ?? resolve('lvcd-output'), { dataDir: values['data-dir'], modelsDir: values['models-dir'] });
  },
};

async function runLocal(file: string, raw: unknown, overrides: Override[], outDir: string, dirs: { dataDir: string | undefined; modelsDir: string | undefined }): Promise<number> {
  const config = loadConfig(process.env, { ...(dirs.dataDir ? { dataDir: dirs.dataDir } : {}), ...(dirs.modelsDir ? { modelsDir: dirs.modelsDir } : {}) });
  const runtime = await createRuntime(config);
  const specs = runtime.registry.specs;
  const document = await applyOverrides(raw, overrides, specs, localImporter(runtime.assets, config.security));

  const { plan, problems } = planRun(document, runtime.registry, { assetExists: (id) => runtime.assets.exists(id) });
  if (!plan) return printProblems(file, problems, document, specs);

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
    printWritten(`succeeded in ${elapsed}`, await copyArtifacts(result.artifacts, outDir), outDir);
    return EXIT.ok;
  } catch (e) {
    progress.finish();
    if (e instanceof WorkflowInvalidError) return printProblems(file, e.problems, document, specs);
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** The run goes to the studio: files given with --set are uploaded there, and its artefacts are downloaded only with --out. */
async function runRemote(file: string, raw: unknown, overrides: Override[], client: StudioClient, outDir: string | undefined): Promise<number> {
  const specs = createBuiltinRegistry().specs;
  const document = await applyOverrides(raw, overrides, specs, async (path, accept, where) => {
    const asset = await client.uploadAsset(path);
    checkKind(asset, accept, where);
    console.log(`${where}: ${path} uploaded as asset ${asset.id}`);
    return asset.id;
  });
  const controller = new AbortController();
  // The first Ctrl-C cancels the run on the studio and waits for it to stop; a second leaves it cancelling there.
  const onSignal = () => (controller.signal.aborted ? process.exit(EXIT.interrupted) : controller.abort());
  process.on('SIGINT', onSignal);
  try {
    const run = await runOnStudio(client, document, { titles: titlesOf(document, specs), signal: controller.signal, log: (line) => console.log(line) });
    if (run.status !== 'succeeded') {
      console.error(describeOutcome(run));
      return run.status === 'cancelled' ? EXIT.interrupted : EXIT.failed;
    }
    if (outDir) {
      printWritten(describeOutcome(run), await downloadArtifacts(client, run.artifacts, outDir), outDir);
    } else {
      console.log(`${describeOutcome(run)}; ${run.artifacts.length} artefact${run.artifacts.length === 1 ? '' : 's'} on the studio (--out DIR downloads them)`);
      for (const a of run.artifacts) console.log(`  ${a.name}  ${client.url}/api/artifacts/${a.id}`);
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof StudioRefusal && e.problems.length > 0) return printProblems(file, e.problems as Problem[], document, specs);
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function titlesOf(document: unknown, specs: ReadonlyMap<string, NodeSpec>): Map<string, string> {
  // Not checked yet (the studio checks it), so only well-formed nodes get a title.
  const nodes = typeof document === 'object' && document !== null ? (document as { nodes?: unknown }).nodes : undefined;
  const titles = new Map<string, string>();
  for (const n of Array.isArray(nodes) ? (nodes as { id?: unknown; type?: unknown; title?: unknown }[]) : []) {
    if (typeof n?.id !== 'string') continue;
    titles.set(n.id, typeof n.title === 'string' ? n.title : (typeof n.type === 'string' && specs.get(n.type)?.title) || n.id);
  }
  return titles;
}

function printProblems(file: string, problems: Problem[], document: unknown, specs: ReadonlyMap<string, NodeSpec>): number {
  console.error(`${file} cannot run: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  for (const p of problems) console.error(`  - ${cliProblemText(p, document, specs)}`);
  return EXIT.failed;
}

function printWritten(outcome: string, written: string[], outDir: string): void {
  console.log(`${outcome}; ${written.length} file${written.length === 1 ? '' : 's'} in ${outDir}`);
  for (const w of written) console.log(`  ${w}`);
}

/** Copies each artefact out of the cache; a name two nodes share gets the node id in front. */
async function copyArtifacts(artifacts: { node: string; artifact: Artifact }[], outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const taken = new Set<string>();
  const written: string[] = [];
  for (const { node, artifact } of artifacts) {
    const target = join(outDir, uniqueOutputName(taken, node, artifact.name));
    await copyFile(artifact.file, target);
    written.push(target);
  }
  return written;
}
