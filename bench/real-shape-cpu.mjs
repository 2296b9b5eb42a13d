// On-demand benchmark: the real-shape networks on the CPU, one piece at a time. It writes real-shape stand-in
// weights (bench/support/stand-in-weights.mjs: every key of keys-real-*.tsv, seeded noise), converts them to an
// fp32 bundle, then in its own child process per stage (so each peak RSS is that stage's own):
//   - decode: opens only the VAE decoder and decodes one chunk of latents at the frame size;
//   - step:   opens only the denoiser and runs one step (19 positions) at the latent size.
// Each stage prints its open time, run time and peak RSS (VmHWM). The machine must be able to hold it: before a
// stage, MemAvailable must be at least --need-gib (21), and a watchdog kills the child if MemAvailable drops under
// --floor-gib (1.5) while it runs, so the bench never pushes other work on the machine out; either is reported.
// Needs built libs.
//   node bench/real-shape-cpu.mjs [--work-dir /tmp/lvcd-real-shape] [--keep] [--size 576x320] [--chunk 10]
//                                 [--stages decode,step] [--arena off|on] [--limit-seconds N]
// --limit-seconds stops a stage that runs longer (on a loaded machine) and reports its peak RSS so far.
// Without --keep the work dir (12.7 GB of stand-ins, then about 12 GB of fp32 bundle) is deleted at the end.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { readListing, writeStandInSafetensors } from './support/stand-in-weights.mjs';

const THIS_FILE = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(THIS_FILE), '..');
const loadModels = () => import(path.join(repoRoot, 'libs/models/dist/index.js'));
const fixtures = path.join(repoRoot, '..', 'shared', 'fixtures', 'lvcd-tiny');
const GIB = 2 ** 30;
const MIB = 2 ** 20;
const fmt = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

/** MemAvailable from /proc/meminfo, in bytes (what `free` shows as available). */
function memAvailable() {
  const line = readFileSync('/proc/meminfo', 'utf8').split('\n').find((l) => l.startsWith('MemAvailable:'));
  return Number(line.split(/\s+/)[1]) * 1024;
}

/** VmHWM of this process (its peak resident set), in bytes. */
function peakRss() {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line.split(/\s+/)[1]) * 1024;
}

/** Child: opens one model of the bundle, runs it once, prints its figures as JSON on the last line. */
async function child(kind, { bundleDir, width, height, chunk, arena }) {
  const m = await loadModels();
  const manifest = await m.readBundleManifest(bundleDir);
  const id = kind === 'step' ? 'denoiser' : 'vae_decoder';
  const sessionOptions = arena === 'off' ? { enableCpuMemArena: false, enableMemPattern: false } : {};
  const openStarted = performance.now();
  const { session } = await m.createSession(path.join(bundleDir, manifest.models[id].file), { provider: 'cpu', sessionOptions });
  const openSeconds = (performance.now() - openStarted) / 1000;
  const afterOpen = peakRss();
  // A progress line, so a stage stopped before it ends still says how long its open took and what it held then.
  console.log(JSON.stringify({ opened: true, openSeconds, peakAfterOpenBytes: afterOpen }));
  const [h, w] = [height / 8, width / 8];
  const T = m.WINDOW_FRAMES;
  let out;
  const runStarted = performance.now();
  if (kind === 'step') {
    const { contextDim, admInChannels } = manifest.config.denoiser.unet;
    const out0 = await m.runDenoiserGraph(session, {
      input: new Float32Array(T * 8 * h * w).fill(0.05), latentHeight: h, latentWidth: w,
      timesteps: new Float32Array(T).fill(0.25 * Math.log(10)),
      context: new Float32Array(T * contextDim).fill(0.01), vector: new Float32Array(T * admInChannels).fill(0.01),
      // A denoiser converted with the hint encoder apart takes its features (encoded once per window, not per step).
      ...(manifest.models.denoiser.inputs.some((t) => t.name === 'hint_features')
        ? { hintFeatures: new Float32Array(T * manifest.config.denoiser.controlnet.modelChannels * h * w).fill(0.01) }
        : { hint: new Float32Array(T * 3 * height * width).fill(1) }),
      reference: m.referencePhaseInputs('normal'),
    });
    out = out0[m.DENOISER_IO.output];
  } else {
    const results = await session.run({ z: new ort.Tensor('float32', new Float32Array(chunk * 4 * h * w).fill(0.05), [chunk, 4, h, w]) });
    out = results.pixels.data;
  }
  const runSeconds = (performance.now() - runStarted) / 1000;
  const finite = out.every(Number.isFinite);
  await session.release();
  return { model: id, openSeconds, runSeconds, values: out.length, finite, peakAfterOpenBytes: afterOpen, peakRssBytes: peakRss(), maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

/** VmHWM and VmRSS of another process, in bytes (0 once it is gone). */
function processMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))?.[1] ?? 0) * 1024;
    return { hwm: field('VmHWM'), rss: field('VmRSS') };
  } catch {
    return { hwm: 0, rss: 0 };
  }
}

/**
 * Runs a stage's child under the watchdog; resolves with its figures, or with why it did not finish and what it
 * had reached: its peak RSS so far (sampled from /proc) and, once opened, its open time.
 */
function runStage(kind, args, floorBytes, limitSeconds) {
  return new Promise((resolve) => {
    const started = performance.now();
    const proc = spawn(process.execPath, [THIS_FILE, '--child', kind, '--args', JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let lowest = memAvailable();
    let peakSoFar = 0;
    let killed;
    proc.stdout.on('data', (d) => (stdout += d));
    const watchdog = setInterval(() => {
      const available = memAvailable();
      lowest = Math.min(lowest, available);
      peakSoFar = Math.max(peakSoFar, processMemory(proc.pid).hwm);
      const elapsed = (performance.now() - started) / 1000;
      if (killed) return;
      if (available < floorBytes) killed = `killed by the watchdog: MemAvailable fell to ${fmt(available / GIB, 2)} GiB (floor ${fmt(floorBytes / GIB, 2)} GiB) after ${fmt(elapsed)} s`;
      else if (limitSeconds && elapsed > limitSeconds) killed = `stopped unfinished after ${fmt(elapsed)} s (--limit-seconds ${limitSeconds})`;
      if (killed) proc.kill('SIGKILL');
    }, 200);
    proc.on('exit', (code, signal) => {
      clearInterval(watchdog);
      const wallSeconds = (performance.now() - started) / 1000;
      const lines = stdout.trim().split('\n').filter((l) => l.startsWith('{'));
      const opened = lines.length ? JSON.parse(lines[0]) : {};
      const base = { wallSeconds, lowestAvailableBytes: lowest, peakSoFarBytes: peakSoFar, ...(opened.opened ? { openSeconds: opened.openSeconds, peakAfterOpenBytes: opened.peakAfterOpenBytes } : {}) };
      if (killed) return resolve({ ...base, failed: killed });
      if (code !== 0) return resolve({ ...base, failed: `child exited with ${code ?? signal}` });
      resolve({ ...base, ...JSON.parse(stdout.trim().split('\n').pop()) });
    });
  });
}

/** Waits (up to `waitSeconds`) until MemAvailable is at least `needBytes`; returns what was available. */
async function waitForMemory(needBytes, waitSeconds) {
  const until = performance.now() + waitSeconds * 1000;
  let available = memAvailable();
  while (available < needBytes && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 5000));
    available = memAvailable();
  }
  return available;
}

async function standInBundle(models, workDir, seed, frame) {
  const bundleDir = path.join(workDir, 'bundle-fp32');
  const stampFile = path.join(workDir, 'stand-in.json');
  const listings = { svd: path.join(fixtures, 'keys-real-svd.tsv'), lvcd: path.join(fixtures, 'keys-real-lvcd-ckpt.tsv') };
  const hash = createHash('sha256');
  for (const file of Object.values(listings)) hash.update(await readFile(file));
  const stamp = JSON.stringify({ listings: hash.digest('hex'), seed, frame, precision: 'fp32' });
  if (existsSync(path.join(bundleDir, 'manifest.json')) && existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === stamp) {
    console.log(`reusing the fp32 stand-in bundle in ${bundleDir}`);
    return bundleDir;
  }
  const sources = {};
  for (const [role, file] of Object.entries(listings)) {
    sources[role] = path.join(workDir, `${role}-stand-in.safetensors`);
    const written = await writeStandInSafetensors(await readListing(file), sources[role], { seed });
    console.log(`${path.basename(sources[role])}: ${written.tensors} tensors, ${fmt(written.bytes / 1e9, 2)} GB in ${fmt(written.seconds)} s`);
  }
  const result = await models.convertBundle({ svd: sources.svd, lvcd: sources.lvcd, outDir: bundleDir, frame });
  const data = Object.values(result.manifest.models).reduce((n, r) => n + r.dataBytes, 0);
  console.log(`convertBundle (fp32): ${fmt(result.seconds)} s, ${fmt(data / 1e9, 2)} GB of ONNX weights (denoiser ${fmt(result.manifest.models.denoiser.dataBytes / 1e9, 2)} GB, VAE decoder ${fmt(result.manifest.models.vae_decoder.dataBytes / 1e9, 2)} GB), converter peak RSS ${fmt(result.peakRssBytes / MIB, 0)} MiB`);
  await Promise.all(Object.values(sources).map((f) => rm(f, { force: true })));
  await writeFile(stampFile, stamp);
  return bundleDir;
}

async function main() {
  const { values } = parseArgs({
    options: {
      'work-dir': { type: 'string', default: '/tmp/lvcd-real-shape' },
      keep: { type: 'boolean', default: false },
      size: { type: 'string', default: '576x320' },
      chunk: { type: 'string', default: '10' },
      stages: { type: 'string', default: 'decode,step' },
      arena: { type: 'string', default: 'off' },
      seed: { type: 'string', default: '1234' },
      'need-gib': { type: 'string', default: '21' },
      'floor-gib': { type: 'string', default: '1.5' },
      'wait-seconds': { type: 'string', default: '300' },
      'limit-seconds': { type: 'string' },
    },
  });
  const [width, height] = values.size.split('x').map(Number);
  const chunk = Number(values.chunk);
  const stages = values.stages.split(',');
  if (!stages.every((s) => s === 'step' || s === 'decode')) throw new Error(`--stages takes step and decode, not ${values.stages}`);
  if (values.arena !== 'on' && values.arena !== 'off') throw new Error(`--arena takes on or off, not ${values.arena}`);
  const workDir = path.resolve(values['work-dir']);
  await mkdir(workDir, { recursive: true });
  const models = await loadModels();
  console.log(`real-shape stand-in on the CPU: ${width}x${height} (latents ${height / 8}x${width / 8}), ORT arena ${values.arena}, work dir ${workDir}`);
  try {
    const bundleDir = await standInBundle(models, workDir, Number(values.seed), { height, width });
    const rows = [];
    for (const kind of stages) {
      const need = Number(values['need-gib']) * GIB;
      const available = await waitForMemory(need, Number(values['wait-seconds']));
      const what = kind === 'step' ? `one denoiser step, ${models.WINDOW_FRAMES} positions at ${height / 8}x${width / 8} latents` : `one decode chunk of ${chunk} latents at ${width}x${height}`;
      console.log(`\n== ${what}: MemAvailable ${fmt(available / GIB, 1)} GiB before, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
      if (available < need) {
        rows.push({ what, failed: `not run: MemAvailable ${fmt(available / GIB, 1)} GiB < ${values['need-gib']} GiB` });
        continue;
      }
      const limit = values['limit-seconds'] === undefined ? undefined : Number(values['limit-seconds']);
      const r = await runStage(kind, { bundleDir, width, height, chunk, arena: values.arena }, Number(values['floor-gib']) * GIB, limit);
      rows.push({ what, ...r });
      console.log(JSON.stringify(r));
    }
    console.log('\n== summary');
    for (const r of rows) {
      if (r.failed) console.log(`${r.what}: ${r.failed}${r.peakSoFarBytes ? `; peak RSS so far ${fmt(r.peakSoFarBytes / GIB, 2)} GiB` : ''}${r.openSeconds !== undefined ? `, opened in ${fmt(r.openSeconds)} s (${fmt(r.peakAfterOpenBytes / GIB, 2)} GiB after open)` : ''}`);
      else console.log(`${r.what}: open ${fmt(r.openSeconds)} s, run ${fmt(r.runSeconds)} s, peak RSS ${fmt(r.peakRssBytes / GIB, 2)} GiB (${fmt(r.peakAfterOpenBytes / GIB, 2)} GiB after open), outputs finite ${r.finite}, lowest MemAvailable ${fmt(r.lowestAvailableBytes / GIB, 2)} GiB`);
    }
    return rows.every((r) => !r.failed && r.finite) ? 0 : 1;
  } finally {
    if (!values.keep) await rm(workDir, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  console.log(JSON.stringify(await child(process.argv[childAt + 1], JSON.parse(process.argv[process.argv.indexOf('--args') + 1]))));
} else {
  process.exitCode = await main();
}
