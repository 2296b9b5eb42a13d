// On-demand benchmark: where opening the denoiser's ONNX Runtime session goes (tiny bundle, CPU). Converts the
// ControlNet alone, the UNet alone and both (the bundle's denoiser), then opens each in a fresh process with ORT's
// verbose log and splits the open by the log's phase lines: reading the model, graph optimisation, the session state
// (value names), the allocation planner, the weights and kernels. Each graph at optimisation level 'disabled' and 'all',
// in two forms: as written (opened from its path, inputs declared with their shapes) and as the studio opens it
// (createSession: the inputs' shapes moved out by splitInputShapes, opened from memory). Then ORT's optimised graph of
// each, as the optimised-graph cache reopens it (level 'disabled'): as ORT wrote it (entry format 1) and with its int64
// initializers declared as shapeless inputs (declareIntegerConstantsAsInputs, entry format 2). --rounds N times
// alternating, best of each (CPU seconds are steadier than wall on a shared machine).
// Needs built libs (npx tsc -p libs/models/tsconfig.json). Usage: node bench/denoiser-open.mjs [--rounds N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const repoRoot = resolve(dirname(here), '..');
const models = async () => ({ ...(await import(join(repoRoot, 'libs/models/dist/index.js'))), ...(await import(join(repoRoot, 'libs/models/dist/testing/index.js'))) });

// The log line that starts each phase (ORT 1.29's messages), in order.
const PHASES = [
  ['read', 'TraceSessionOptions'],
  ['optimise', 'Initializing session.'],
  ['session state', 'Node placements'],
  ['plan', 'Use DeviceBasedPartition as default'],
  ['weights and kernels', 'Saving initialized tensors.'],
  ['end', 'Session successfully initialized.'],
];

const FORMS = ['as written', 'inputs undeclared', 'optimised graph', 'optimised, int64 inputs'];

// In the child: opens one model and prints ORT's log (stderr) and the open's CPU seconds (stdout).
async function openOnce(file, level, form) {
  const ort = await import(join(repoRoot, 'node_modules/onnxruntime-node/dist/index.js'));
  const { splitInputShapes } = await models();
  ort.env.logLevel = 'verbose';
  const options = { logSeverityLevel: 0, logVerbosityLevel: 1, graphOptimizationLevel: level, executionProviders: ['cpu'] };
  const cpu = process.cpuUsage();
  const session = form === FORMS[1]
    ? await ort.InferenceSession.create(splitInputShapes(readFileSync(file)).model, { ...options, extra: { session: { model_external_initializers_file_folder_path: dirname(file) } } })
    : await ort.InferenceSession.create(file, options);
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ cpuSeconds: (used.user + used.system) / 1e6 }));
  await session.release();
}

function phases(log) {
  const at = (text) => {
    const line = log.split('\n').find((l) => l.includes(text));
    const time = line?.match(/ (\d+):(\d+):([\d.]+) /);
    return time ? Number(time[1]) * 3600 + Number(time[2]) * 60 + Number(time[3]) : undefined;
  };
  const times = PHASES.map(([, text]) => at(text));
  return Object.fromEntries(PHASES.slice(0, -1).map(([name], i) => [name, times[i] !== undefined && times[i + 1] !== undefined ? times[i + 1] - times[i] : NaN]));
}

async function convertParts(dir) {
  const m = await models();
  const fixtures = m.lvcdTinyFixturesDir();
  const config = m.networkConfigFromJson(JSON.parse(readFileSync(join(fixtures, 'tiny-config.json'), 'utf8')));
  const weightFiles = { svdPath: join(fixtures, 'svd-tiny.safetensors'), lvcdPath: join(fixtures, 'lvcd-tiny.ckpt') };
  const parts = [];
  for (const part of ['controlnet', 'unet', 'denoiser']) {
    const converted = await m.convertDenoiser({ ...weightFiles, outDir: dir, config, part, hintEncoder: 'separate', fileName: `${part}.onnx` });
    parts.push({ part, file: converted.written.modelPath, nodes: converted.nodeCount });
  }
  return parts;
}

// ORT's optimised graph of a model opened as the studio opens it (what a cache entry of format 1 holds), and the same
// with its int64 initializers declared as inputs (format 2), beside the model (their weights in one data file).
async function writeOptimised(file) {
  const ort = await import(join(repoRoot, 'node_modules/onnxruntime-node/dist/index.js'));
  const { splitInputShapes, declareIntegerConstantsAsInputs, writingOptimisedGraph } = await models();
  const optimised = file.replace(/\.onnx$/, '.optimised.onnx');
  const options = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', extra: { session: { model_external_initializers_file_folder_path: dirname(file) } } };
  const session = await ort.InferenceSession.create(splitInputShapes(readFileSync(file)).model, writingOptimisedGraph(options, optimised));
  await session.release();
  const int64Inputs = file.replace(/\.onnx$/, '.optimised-int64-inputs.onnx');
  writeFileSync(int64Inputs, declareIntegerConstantsAsInputs(readFileSync(optimised)));
  return { [FORMS[2]]: optimised, [FORMS[3]]: int64Inputs };
}

if (process.argv[2] === '--open') {
  await openOnce(process.argv[3], process.argv[4], process.argv[5]);
} else {
  const at = process.argv.indexOf('--rounds');
  const rounds = at >= 0 ? Number(process.argv[at + 1]) : 2;
  const dir = mkdtempSync(join(tmpdir(), 'lvcd-open-bench-'));
  try {
    const parts = await convertParts(dir);
    console.log(`opening the tiny denoiser's graphs, CPU, ${rounds} rounds alternating, best of each (phases from ORT's verbose log, wall seconds)`);
    const runs = [];
    for (const p of parts) {
      runs.push(...FORMS.slice(0, 2).flatMap((form) => ['disabled', 'all'].map((level) => ({ ...p, form, level, results: [] }))));
      const optimised = await writeOptimised(p.file);
      runs.push(...FORMS.slice(2).map((form) => ({ ...p, file: optimised[form], form, level: 'disabled', results: [] })));
    }
    for (let round = 0; round < rounds; round++) {
      for (const run of runs) {
        const child = spawnSync(process.execPath, [here, '--open', run.file, run.level, run.form], { encoding: 'utf8', maxBuffer: 1 << 28 });
        if (child.status !== 0) throw new Error(`opening ${run.file} failed: ${child.stderr.slice(-2000)}`);
        run.results.push({ ...JSON.parse(child.stdout.trim().split('\n').pop()), ...phases(child.stderr) });
      }
    }
    const best = (rs, key) => Math.min(...rs.map((r) => r[key]));
    for (const run of runs) {
      const split = PHASES.slice(0, -1).map(([name]) => `${name} ${best(run.results, name).toFixed(2)}`).join(', ');
      console.log(`${run.part.padEnd(10)} ${String(run.nodes).padStart(5)} nodes, ${run.form.padEnd(23)} ${run.level.padEnd(8)} open ${best(run.results, 'cpuSeconds').toFixed(2)} s CPU; ${split}`);
    }
    for (const [after, before] of [[FORMS[1], FORMS[0]], [FORMS[3], FORMS[2]]]) {
      for (const run of runs.filter((r) => r.form === after)) {
        const base = runs.find((r) => r.part === run.part && r.level === run.level && r.form === before);
        console.log(`${run.part.padEnd(10)} ${run.level.padEnd(8)} ${after} / ${before}: ${(best(run.results, 'cpuSeconds') / best(base.results, 'cpuSeconds')).toFixed(2)}x the open's CPU seconds`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
