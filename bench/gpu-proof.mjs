// The GPU proof's Node part (bench/gpu-proof.sh runs it after checking the GPU and installing the CUDA provider;
// its header says how to run it and what it prints). Stages:
//   1. the tiny bundle on the provider against the PyTorch goldens (fp32: gate 1e-3), against the CPU, fp16 storage
//      and fp16 compute (reported: its worst error against the goldens and against the provider's fp32);
//   2. stand-in weights: every key of keys-real-svd.tsv and keys-real-lvcd-ckpt.tsv at its real shape, seeded noise;
//   3. convertBundle in fp16 compute on CUDA (fp16 storage on the CPU, which refuses fp16-compute bundles);
//   4. one window (15 frames) with N steps on the stand-in bundle, then its decode;
//   5. the plan estimate for the same run beside what was measured, and the constants that would fit it.
// Every network call runs in a child process, so each measured peak is that run's own.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { freemem, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pollGpuMemory } from './support/gpu-memory.mjs';
import { runProofWindow } from './support/proof-window.mjs';
import { readListing, writeStandInSafetensors } from './support/stand-in-weights.mjs';
import { GOLDEN_OF, convertTinyBundle, goldenTargets, runTinyGoldenInputs } from './support/tiny-goldens.mjs';

const THIS_FILE = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(THIS_FILE), '..');
const loadModels = () => import(path.join(repoRoot, 'libs/models/dist/index.js'));
const loadTesting = () => import(path.join(repoRoot, 'libs/models/dist/testing/index.js'));
const GIB = 2 ** 30;
const MIB = 2 ** 20;
/** The issue's budget for the whole proof, and its goals for the real-size window. */
const BUDGET_SECONDS = 8 * 60;
const GOAL_SECONDS_PER_FRAME = 0.2;
const GOAL_PEAK_GPU_BYTES = 12 * GIB;
const FP32_TOLERANCE = 1e-3;
/** cuBLAS and cuDNN read this at load time: '0' turns TF32 off, so fp32 means fp32 (ORT enables TF32 by default). */
const TF32_OFF = { NVIDIA_TF32_OVERRIDE: '0' };

const fmt = (v, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const exp = (v) => (Number.isFinite(v) ? v.toExponential(2) : String(v));
const gib = (bytes) => `${fmt(bytes / GIB)} GiB`;

/** Runs `--child kind` of this file in its own process; resolves with the JSON on its last stdout line. */
function runChild(kind, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [THIS_FILE, '--child', kind, JSON.stringify(args)], { env: { ...process.env, ...env }, maxBuffer: 64 * MIB }, (error, stdout) => {
      if (error) return reject(new Error(`${kind} child failed: ${error.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
    child.stderr.pipe(process.stderr);
  });
}

async function child(kind, args) {
  const models = await loadModels();
  if (kind === 'goldens') return runTinyGoldenInputs(models, await loadTesting(), args.bundleDir, args.provider, args.outFile);
  if (kind === 'window') return runProofWindow(models, args);
  throw new Error(`unknown child ${kind}`);
}

const stages = [];
async function stage(name, work) {
  const started = performance.now();
  console.log(`\n== ${name}`);
  try {
    return await work();
  } finally {
    stages.push({ name, seconds: (performance.now() - started) / 1000 });
  }
}

/** What the stand-in bundle was made from; a kept bundle is reused only when all of it matches. */
async function standInStamp(listings, seed, frame, precision) {
  const hash = createHash('sha256');
  for (const file of listings) hash.update(await readFile(file));
  return { listings: hash.digest('hex'), seed, frame, precision, generator: 'bench/support/stand-in-weights.mjs v1' };
}

async function makeStandInBundle(models, { listings, seed, frame, architecture, workDir, keep, precision }) {
  const bundleDir = path.join(workDir, 'stand-in-bundle');
  const stampFile = path.join(workDir, 'stand-in.json');
  const stamp = await standInStamp(Object.values(listings), seed, frame, precision);
  if (existsSync(path.join(bundleDir, 'manifest.json')) && existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === JSON.stringify(stamp)) {
    console.log(`reusing the stand-in bundle in ${bundleDir} (same listings, seed ${seed}, ${frame.width}x${frame.height}, ${precision})`);
    return bundleDir;
  }
  await rm(stampFile, { force: true });
  const sources = {};
  await stage('stand-in weights', async () => {
    const entries = Object.fromEntries(await Promise.all(Object.entries(listings).map(async ([role, file]) => [role, await readListing(file)])));
    const values = Object.values(entries).flat().reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0);
    const { bavail, bsize } = await statfs(workDir);
    // The F32 stand-ins, then the fp16 bundle (half of what its graphs read) beside them.
    const needed = values * 4 * 1.6;
    if (bavail * bsize < needed) throw new Error(`${workDir} has ${gib(bavail * bsize)} free; the stand-in weights and their bundle need about ${gib(needed)} (use --keep-dir on a larger disk)`);
    for (const [role, list] of Object.entries(entries)) {
      sources[role] = path.join(workDir, `${role}-stand-in.safetensors`);
      const written = await writeStandInSafetensors(list, sources[role], { seed });
      console.log(`${path.basename(sources[role])}: ${written.tensors} tensors, ${fmt(written.bytes / 1e9)} GB in ${fmt(written.seconds, 1)} s (${fmt(written.bytes / MIB / written.seconds, 0)} MiB/s), peak RSS so far ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MiB`);
    }
  });
  await stage(`convert to an ${precision} bundle`, async () => {
    const result = await models.convertBundle({ svd: sources.svd, lvcd: sources.lvcd, outDir: bundleDir, precision, frame, ...architecture });
    const data = Object.values(result.manifest.models).reduce((n, m) => n + m.dataBytes, 0);
    console.log(`convertBundle (${precision}): ${fmt(result.seconds, 1)} s, ${fmt(data / 1e9)} GB of ONNX weights, converter peak RSS ${fmt(result.peakRssBytes / MIB, 0)} MiB`);
  });
  // The sources are not needed once converted; a kept dir keeps only the bundle and what it was made from.
  await Promise.all(Object.values(sources).map((f) => rm(f, { force: true })));
  if (keep) await writeFile(stampFile, JSON.stringify(stamp));
  return bundleDir;
}

async function tinyGoldenStage(models, testing, { provider, workDir }) {
  const fixtures = testing.lvcdTinyFixturesDir();
  const bundles = {};
  for (const precision of ['fp32', 'fp16', 'fp16-compute']) {
    bundles[precision] = path.join(workDir, `tiny-${precision}`);
    if (!existsSync(path.join(bundles[precision], 'manifest.json'))) await convertTinyBundle(models, fixtures, bundles[precision], precision);
  }
  // Columns: the fp32 gate (TF32 off on CUDA), ORT's default math on CUDA, the CPU reference, fp16 storage, fp16
  // compute (on the CPU it still loads: ONNX Runtime runs the ops it lacks fp16 kernels for in float32 between Casts).
  const runs = [{ label: `${provider} fp32`, bundle: 'fp32', provider, env: TF32_OFF }];
  if (provider === 'cuda') runs.push({ label: 'cuda TF32', bundle: 'fp32', provider, env: {} }, { label: 'cpu fp32', bundle: 'fp32', provider: 'cpu', env: {} });
  runs.push({ label: `${provider} fp16-storage`, bundle: 'fp16', provider, env: TF32_OFF }, { label: `${provider} fp16-compute`, bundle: 'fp16-compute', provider, env: {} });
  const outputs = {};
  for (const run of runs) {
    const outFile = path.join(workDir, `goldens-${run.label.replace(/\W+/g, '-')}.safetensors`);
    const timings = await runChild('goldens', { bundleDir: bundles[run.bundle], provider: run.provider, outFile }, run.env);
    outputs[run.label] = await testing.loadGoldens(outFile);
    const open = Object.values(timings).reduce((n, t) => n + t.openSeconds, 0);
    console.log(`${run.label.padEnd(20)} sessions opened in ${fmt(open, 1)} s (denoiser ${fmt(timings.denoiser.openSeconds, 1)} s), runs ${fmt(Object.values(timings).reduce((n, t) => n + t.runSeconds, 0), 2)} s`);
    for (const [ep, p] of Object.entries(timings.denoiser.placement)) {
      // Inside a CUDA session, the CPU provider's ops are the ones CUDA lacks a kernel for (or the shape ops ORT keeps on the host).
      const ops = ep.startsWith('CPU') && run.provider === 'cuda' ? `: ${Object.entries(p.ops).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(', ')}` : '';
      console.log(`${''.padEnd(21)}denoiser nodes on ${ep}: ${p.nodes}, ${fmt(p.timeShare * 100, 1)}% of kernel time${ops}`);
    }
  }
  const targets = await goldenTargets(testing);
  const labels = runs.map((r) => r.label);
  const compareCpu = provider === 'cuda';
  console.log(`\nmax abs error against the PyTorch goldens${compareCpu ? ', and |cuda - cpu|' : ''}:`);
  console.log(['output'.padEnd(24), ...labels.map((l) => l.padStart(18)), ...(compareCpu ? ['|cuda-cpu| fp32'.padStart(18)] : [])].join(''));
  let worstGate = 0;
  const fp16 = { golden: 0, fp32: 0 };
  for (const name of Object.keys(GOLDEN_OF)) {
    const errors = labels.map((l) => models.maxAbsDiff(outputs[l][name].data, targets[name]));
    worstGate = Math.max(worstGate, errors[0]);
    fp16.golden = Math.max(fp16.golden, errors[labels.length - 1]);
    fp16.fp32 = Math.max(fp16.fp32, models.maxAbsDiff(outputs[`${provider} fp16-compute`][name].data, outputs[`${provider} fp32`][name].data));
    const cells = errors.map((e) => exp(e).padStart(18));
    if (compareCpu) cells.push(exp(models.maxAbsDiff(outputs['cuda fp32'][name].data, outputs['cpu fp32'][name].data)).padStart(18));
    console.log(name.padEnd(24) + cells.join(''));
  }
  const ok = worstGate <= FP32_TOLERANCE;
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${provider} fp32 worst error ${exp(worstGate)} (tolerance ${FP32_TOLERANCE}); the fp16 columns are reported, not gated (fp16 weight rounding: a few 1e-3 on the tiny networks)`);
  console.log(`fp16 compute on ${provider}: worst error ${exp(fp16.golden)} against the goldens, ${exp(fp16.fp32)} against ${provider} fp32`);
  return { ok, fp16 };
}

async function windowStage({ provider, bundleDir, width, height, steps }) {
  const poller = provider === 'cuda' ? pollGpuMemory() : undefined;
  await poller?.ready();
  let result;
  try {
    result = await runChild('window', { bundleDir, provider, width, height, steps });
  } finally {
    result = { ...result, gpu: poller?.stop() };
  }
  const later = result.stepSeconds.slice(1);
  const steady = later.length ? later.reduce((a, b) => a + b, 0) / later.length : result.stepSeconds[0];
  result.steadyStepSeconds = steady;
  // The whole colorization: conditioning, the window's steps and its decode.
  const perFrame = result.totalSeconds / result.outputFrames;
  result.secondsPerFrame = perFrame;
  console.log(`bundle opened on ${provider} in ${fmt(result.openSeconds, 1)} s; ${result.windows} window, ${result.outputFrames} frames at ${width}x${height}, ${steps} steps; outputs finite: ${result.finite}`);
  console.log(`per-step time (s): ${result.stepSeconds.map((s) => fmt(s, 3)).join(' ')}`);
  console.log(`  first step ${fmt(result.stepSeconds[0], 3)} s (first kernel calls), later steps ${fmt(steady, 3)} s each (mean of ${later.length})`);
  console.log(`conditioning ${fmt(result.conditioningSeconds, 2)} s, sampling ${fmt(result.samplingSeconds, 2)} s, decode ${fmt(result.decodeSeconds, 2)} s, total ${fmt(result.totalSeconds, 2)} s`);
  console.log(`  one more 10-frame decode chunk, warm: ${fmt(result.warmChunkSeconds, 3)} s`);
  console.log(`seconds per output frame (total / ${result.outputFrames}): ${fmt(perFrame, 3)} s`);
  console.log(`host time against ONNX Runtime time: ${fmt(result.totalSeconds, 2)} s wall, ${fmt(result.runtimeSeconds, 2)} s inside ONNX Runtime (wall/ORT ${fmt(result.totalSeconds / result.runtimeSeconds, 3)}; host ${fmt(result.totalSeconds - result.runtimeSeconds, 2)} s)`);
  if (result.gpu) console.log(`peak GPU memory (nvidia-smi, GPU 0, ${result.gpu.samples} samples): ${result.gpu.peakMiB} MiB used, ${result.gpu.runMiB} MiB over the ${result.gpu.baselineMiB} MiB before the run (of ${result.gpu.totalMiB} MiB)`);
  console.log(`peak host RSS of the run: ${fmt(result.peakRssBytes / MIB, 0)} MiB`);
  return result;
}

function planStage(models, { provider, manifest, width, height, steps, measured }) {
  const deviceMemory = provider === 'cuda' && measured.gpu ? (measured.gpu.totalMiB - measured.gpu.baselineMiB) * MIB : freemem();
  const decoding = { chunk: 10, overlap: 3 };
  const estimate = models.estimatePlan({ manifest, width, height, frames: models.WINDOW.video + 1, pad: false, steps, decoding, provider, deviceMemoryBytes: deviceMemory });
  const c = models.CALIBRATION[provider];
  const [h, w] = [height / 8, width / 8];
  const step = models.denoiserStepCost(manifest.config.denoiser, { frames: models.WINDOW.length, latentHeight: h, latentWidth: w });
  const chunk = models.decoderChunkCost(manifest.config.vaeDecoder, decoding.chunk, h, w);
  const chunks = models.planDecodeChunks(models.WINDOW.video + 1, { ...decoding, first: 1 }).length;
  const measuredPeak = provider === 'cuda' ? measured.gpu?.runMiB * MIB : measured.peakRssBytes;
  const rows = [
    ['denoiser step (s, later steps)', estimate.stepSeconds, measured.steadyStepSeconds],
    [`window, ${steps} steps (s)`, estimate.windowSeconds, measured.samplingSeconds],
    [`decode, ${chunks} chunks of ${decoding.chunk} (s)`, estimate.decodeSeconds, measured.decodeSeconds],
    ['decode chunk of 10, warm (s)', estimate.chunkSeconds, measured.warmChunkSeconds],
    [`peak ${provider === 'cuda' ? 'GPU memory, over baseline' : 'host RSS'} (GiB)`, estimate.peakBytes / GIB, measuredPeak / GIB],
  ];
  console.log(`estimatePlan (${estimate.basis}) for this run, against the measured figures:`);
  console.log(`${'figure'.padEnd(38)}${'estimate'.padStart(10)}${'measured'.padStart(10)}${'est/meas'.padStart(10)}`);
  for (const [name, e, m] of rows) console.log(`${name.padEnd(38)}${fmt(e, 3).padStart(10)}${fmt(m, 3).padStart(10)}${fmt(e / m, 2).padStart(10)}`);
  // The constants that would have made the estimate match, each from its own figure (calibration.ts's fields). One
  // run cannot tell the three rates apart (MACs, attention scores, written values: passSeconds), so it says how much
  // faster or slower all three were on each part; the breakdown shows which of them that part's time is mostly.
  const parts = (cost) => {
    const total = models.passSeconds(c, cost);
    return `${fmt((100 * cost.macs) / c.macsPerSecond / total, 0)}% MACs, ${fmt((100 * cost.attentionScores) / c.attentionScoresPerSecond / total, 0)}% scores, ${fmt((100 * cost.writtenValues) / c.writtenValuesPerSecond / total, 0)}% writes`;
  };
  const stepWork = estimate.stepSeconds - c.stepOverheadSeconds;
  const chunkWork = estimate.chunkSeconds - c.chunkOverheadSeconds;
  const live = step.liveValues >= chunk.liveValues ? step.liveValues : chunk.liveValues;
  const activation = (measuredPeak - c.runtimeBytes - estimate.weightsBytes) / (4 * live);
  console.log(`fitted to this run (refit CALIBRATION.${provider} in libs/models/src/planning/calibration.ts from these; now in brackets):`);
  // A part measured faster than its fixed overhead alone says the overhead is too high, not what the rates are.
  const rates = (work, measuredSeconds, overhead) =>
    measuredSeconds > overhead ? `rates x ${fmt(work / (measuredSeconds - overhead), 2)}` : `rates unreadable (measured ${fmt(measuredSeconds, 3)} s is within the ${overhead} s overhead: lower the overhead first)`;
  console.log(`  ${rates(stepWork, measured.steadyStepSeconds, c.stepOverheadSeconds)} on the denoiser step (${parts(step)} of its estimate, ${c.stepOverheadSeconds} s overhead kept)`);
  console.log(`  ${rates(chunkWork, measured.warmChunkSeconds, c.chunkOverheadSeconds)} on the decode chunk (${parts(chunk)} of its estimate, ${c.chunkOverheadSeconds} s overhead kept)`);
  console.log(`    [macsPerSecond ${exp(c.macsPerSecond)}, attentionScoresPerSecond ${exp(c.attentionScoresPerSecond)}, writtenValuesPerSecond ${exp(c.writtenValuesPerSecond)}]`);
  console.log(`  activationFactor        ${fmt(activation, 2)}  [${c.activationFactor}]  (peak less ${fmt(c.runtimeBytes / MIB, 0)} MiB runtime and ${gib(estimate.weightsBytes)} weights, over the larger part's live values)`);
  console.log('  (the fixed overheads and the runtime bytes need a second size to separate from these: run again with another --size, e.g. 320x192, and solve the pair)');
}

async function main() {
  const { values } = parseArgs({
    options: {
      provider: { type: 'string', default: 'cuda' },
      tiny: { type: 'boolean', default: false },
      'keep-dir': { type: 'string' },
      steps: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string', default: '1234' },
    },
  });
  const provider = values.provider;
  if (provider !== 'cuda' && provider !== 'cpu') throw new Error(`--provider must be cuda or cpu, not ${provider}`);
  const [width, height] = (values.size ?? (values.tiny ? '128x64' : '576x320')).split('x').map(Number);
  if (!(width % 64 === 0 && height % 64 === 0 && width > 0 && height > 0)) throw new Error(`--size ${values.size}: width and height must be multiples of 64 (e.g. 576x320)`);
  const steps = Number(values.steps ?? (values.tiny ? 3 : 25));
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`--steps must be a whole number >= 1, got ${values.steps}`);
  const seed = Number(values.seed);
  if (!values.tiny && provider === 'cpu') console.warn('warning: the real-shape stand-in on the CPU needs more than 20 GB and hours; use --tiny for a CPU run');

  const started = performance.now();
  const models = await loadModels();
  const testing = await loadTesting();
  const fixtures = testing.lvcdTinyFixturesDir();
  const keep = values['keep-dir'] !== undefined;
  const workDir = keep ? path.resolve(values['keep-dir']) : await mkdtemp(path.join(tmpdir(), 'lvcd-gpu-proof-'));
  await mkdir(workDir, { recursive: true });
  console.log(`GPU proof: provider ${provider}, ${values.tiny ? 'tiny stand-in (keys-tiny-*.tsv)' : 'real-shape stand-in (keys-real-*.tsv)'}, ${width}x${height}, ${steps} steps, work dir ${workDir}${keep ? ' (kept)' : ''}`);
  const cleanup = () => (keep ? undefined : rm(workDir, { recursive: true, force: true }));
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, async () => (await cleanup(), process.exit(130)));
  try {
    const listings = values.tiny
      ? { svd: path.join(fixtures, 'keys-tiny-svd.tsv'), lvcd: path.join(fixtures, 'keys-tiny-lvcd-ckpt.tsv') }
      : { svd: path.join(fixtures, 'keys-real-svd.tsv'), lvcd: path.join(fixtures, 'keys-real-lvcd-ckpt.tsv') };
    // The tiny checkpoints are not the released model's width, so their architecture comes from tiny-config.json.
    const architecture = values.tiny ? models.architectureFromConfigJson(JSON.parse(await readFile(path.join(fixtures, 'tiny-config.json'), 'utf8'))) : {};
    // The goldens first: they take a minute and prove the provider works before minutes go into the stand-in.
    const goldens = await stage(`tiny goldens on ${provider}`, () => tinyGoldenStage(models, testing, { provider, workDir }));
    const goldensOk = goldens.ok;
    // fp16 compute is what CUDA should run; the runtime refuses it on the CPU (slower there, and no smaller).
    const precision = provider === 'cuda' ? 'fp16-compute' : 'fp16';
    const bundleDir = await makeStandInBundle(models, { listings, seed, frame: { height, width }, architecture, workDir, keep, precision });
    const measured = await stage(`one window at ${width}x${height}, ${steps} steps, then its decode (${provider})`, () => windowStage({ provider, bundleDir, width, height, steps }));
    const manifest = JSON.parse(await readFile(path.join(bundleDir, 'manifest.json'), 'utf8'));
    await stage('plan estimate against the measured run', () => planStage(models, { provider, manifest, width, height, steps, measured }));

    const total = (performance.now() - started) / 1000;
    console.log('\n== summary');
    for (const s of stages) console.log(`${s.name.padEnd(64)}${fmt(s.seconds, 1).padStart(8)} s`);
    console.log(`${'total (this Node part)'.padEnd(64)}${fmt(total, 1).padStart(8)} s`);
    console.log(`tiny goldens, ${provider} fp32 within ${FP32_TOLERANCE}: ${goldensOk ? 'yes' : 'NO'}; fp16 compute worst ${exp(goldens.fp16.golden)} against the goldens, ${exp(goldens.fp16.fp32)} against fp32`);
    console.log(`stand-in window ran in ${precision}`);
    console.log(`seconds per output frame: ${fmt(measured.secondsPerFrame, 3)} (goal <= ${GOAL_SECONDS_PER_FRAME} at 576x320, 25 steps, real size on a GPU)`);
    if (measured.gpu) console.log(`peak GPU memory over baseline: ${gib(measured.gpu.runMiB * MIB)} (goal <= ${gib(GOAL_PEAK_GPU_BYTES)})`);
    if (total > BUDGET_SECONDS) console.log(`over the ${BUDGET_SECONDS / 60}-minute budget (${fmt(total, 0)} s); with --keep-dir a second run skips the stand-in and its conversion`);
    return goldensOk && measured.finite ? 0 : 1;
  } finally {
    await cleanup();
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  console.log(JSON.stringify(await child(process.argv[childAt + 1], JSON.parse(process.argv[childAt + 2]))));
} else {
  try {
    process.exitCode = await main();
  } catch (error) {
    console.error(`gpu-proof: ${error.message}`);
    process.exitCode = 1;
  }
}
