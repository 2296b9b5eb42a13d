// On-demand benchmark of the LVCD pipeline on the tiny bundle (CPU): bundle open time, the time ONNX Runtime takes to
// open the denoiser's session and all the bundle's sessions (each in a fresh process, wall and CPU; each checkout that
// has an optimised-graph cache also through it, a first opening and a reopening), the time of a sampling step,
// the host overhead (total pipeline time over time inside ONNX Runtime) and the peak RSS for 39, 390 and 3,900
// frames (the golden clip looped), each length in its own process, to show that memory does not grow with the clip.
// With --baseline DIR (another checkout with built libs, e.g. `git worktree add /tmp/base HEAD~3` then
// `npx tsc -p libs/models/tsconfig.json` there), the same runs go through that code and its own converted bundle
// too, and this checkout also runs the baseline's bundle (an older bundle format), side by side in one run.
// --rounds N repeats each run N times, alternating between the checkouts, and ends with the best of each (a shared,
// loaded machine moves single figures by 2x; the fastest round is the least disturbed).
// Needs built libs (npx tsc -p libs/models/tsconfig.json). Usage: node bench/lvcd.mjs [--steps N] [--baseline DIR] [--rounds N] [frames...]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const repoRoot = resolve(dirname(here), '..');
// The pipeline from the package, the golden fixtures from its test-only subpath, of the checkout at `root`.
const models = async (root) => ({ ...(await import(join(root, 'libs/models/dist/index.js'))), ...(await import(join(root, 'libs/models/dist/testing/index.js'))) });
const threads = () => readdirSync('/proc/self/task').length;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, digits = 2) => +x.toFixed(digits);

async function convert(root, outDir) {
  const m = await models(root);
  const fixtures = m.lvcdTinyFixturesDir();
  await m.convertBundle({
    svd: join(fixtures, 'svd-tiny.safetensors'),
    lvcd: join(fixtures, 'lvcd-tiny.ckpt'),
    lineart: join(fixtures, 'sk-tiny.pth'),
    outDir,
    frame: { height: 64, width: 128 },
    ...m.architectureFromConfigJson(JSON.parse(readFileSync(join(fixtures, 'tiny-config.json'), 'utf8'))),
  });
}

async function runOne(root, bundleDir, frames, steps) {
  const m = await models(root);
  const golden = await m.loadGoldens(join(m.lvcdTinyFixturesDir(), 'golden-sample.safetensors'));
  const sketches = golden.sketches;
  const size = sketches.data.length / sketches.dims[0];
  const opening = performance.now();
  const bundle = await m.openLvcdBundle(bundleDir, 'cpu');
  const openSeconds = (performance.now() - opening) / 1000;
  const threadsAfterOpen = threads();
  let emitted = 0;
  // Step times from progress events: within a window, from one step's end to the next's; a window's first step
  // from the previous window's last (so with that window's decoding, and the encoding of the window's sketches
  // where the hint encoder runs apart).
  const later = [];
  const windowFirst = [];
  let last;
  let firstStepSeconds;
  const started = performance.now();
  await m.colorizeClip({
    networks: bundle,
    reference: golden.reference_image.data,
    height: 64,
    width: 128,
    frameCount: frames,
    hint: async (f) => sketches.data.slice((f % sketches.dims[0]) * size, (f % sketches.dims[0] + 1) * size),
    options: { ...m.DEFAULT_COLORIZE, numSteps: steps, prevAttnSteps: steps },
    onProgress: (p) => {
      const now = performance.now();
      if (last === undefined) firstStepSeconds = (now - started) / 1000;
      else (p.step === 0 ? windowFirst : later).push(now - last);
      last = now;
    },
    onFrame: () => void emitted++,
  });
  const totalMs = performance.now() - started;
  const result = {
    frames,
    outputFrames: emitted,
    steps,
    openSeconds: round(openSeconds, 3),
    threadsAfterOpen,
    threadsAtEnd: threads(),
    conditioningAndFirstStepSeconds: round(firstStepSeconds),
    stepSeconds: later.length ? round(median(later) / 1000, 3) : null,
    windowFirstStepSeconds: windowFirst.length ? round(median(windowFirst) / 1000, 3) : null,
    seconds: round(totalMs / 1000, 1),
    insideOrtSeconds: round(bundle.runtimeMs / 1000, 1),
    totalOverOrt: round(totalMs / bundle.runtimeMs, 3),
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
  };
  await bundle.release();
  return result;
}

// Opens every model of the bundle as LazySessions does (its session options, CPU, per-session pools of the CPUs
// this process may use), denoiser first, in this fresh process; wall and CPU seconds (CPU is steadier on a loaded machine).
// With cacheDir, through an optimised-graph cache there (a checkout that has one).
async function openAll(root, bundleDir, cacheDir) {
  const m = await models(root);
  const manifest = JSON.parse(readFileSync(join(bundleDir, 'manifest.json'), 'utf8'));
  const ids = ['denoiser', ...Object.keys(manifest.models).filter((id) => id !== 'denoiser')];
  const seconds = {};
  const cpuSeconds = {};
  for (const id of ids) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const graphCache = cacheDir ? new m.OptimisedGraphCache(cacheDir) : undefined;
    const { session } = await m.createSession(join(bundleDir, manifest.models[id].file), { provider: 'cpu', sessionOptions: { intraOpNumThreads: availableParallelism() }, graphCache });
    seconds[id] = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    cpuSeconds[id] = (used.user + used.system) / 1e6;
    await session.release();
  }
  const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
  return {
    denoiserOpenSeconds: round(seconds.denoiser, 2), denoiserOpenCpuSeconds: round(cpuSeconds.denoiser, 2),
    allOpenSeconds: round(sum(seconds), 2), allOpenCpuSeconds: round(sum(cpuSeconds), 2), models: ids.length,
  };
}

function reportOpen(label, o) {
  console.log(`${label.padEnd(30)} sessions: denoiser opens in ${o.denoiserOpenSeconds} s (${o.denoiserOpenCpuSeconds} s CPU), all ${o.models} in ${o.allOpenSeconds} s (${o.allOpenCpuSeconds} s CPU)`);
}

function report(label, r) {
  const steps = r.stepSeconds === null ? '' : `step ${r.stepSeconds} s (a window's first ${r.windowFirstStepSeconds ?? '-'} s), `;
  console.log(
    `${label.padEnd(26)} ${String(r.frames).padStart(5)} frames -> ${r.outputFrames} out: open ${r.openSeconds} s (${r.threadsAfterOpen} threads, ${r.threadsAtEnd} at the end), ` +
      `conditioning + first step ${r.conditioningAndFirstStepSeconds} s, ${steps}${r.seconds} s total, ${r.insideOrtSeconds} s in ONNX Runtime (total/ORT ${r.totalOverOrt}), peak RSS ${r.peakRssMiB} MiB`,
  );
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === '--convert') {
  await convert(rest[0], rest[1]);
} else if (mode === '--open') {
  console.log(JSON.stringify(await openAll(rest[0], rest[1], rest[2])));
} else if (mode === '--one') {
  const [root, bundleDir, frames, steps] = rest;
  console.log(JSON.stringify(await runOne(root, bundleDir, Number(frames), Number(steps))));
} else {
  const args = process.argv.slice(2);
  const option = (name) => {
    const at = args.indexOf(name);
    return at >= 0 ? args.splice(at, 2)[1] : undefined;
  };
  const steps = Number(option('--steps') ?? 2);
  const baseline = option('--baseline');
  const rounds = Number(option('--rounds') ?? 1);
  const lengths = args.length ? args.map(Number) : [39, 390, 3900];
  const dir = mkdtempSync(join(tmpdir(), 'lvcd-bench-'));
  const child = (...a) => execFileSync(process.execPath, [here, ...a], { encoding: 'utf8' });
  try {
    const runs = [{ label: 'this checkout', root: repoRoot, bundle: join(dir, 'this') }];
    child('--convert', repoRoot, runs[0].bundle);
    if (baseline) {
      const root = resolve(baseline);
      runs.unshift({ label: 'baseline', root, bundle: join(dir, 'baseline') });
      child('--convert', root, runs[0].bundle);
      runs.push({ label: "this, baseline's bundle", root: repoRoot, bundle: runs[0].bundle });
    }
    console.log(`LVCD pipeline, tiny bundle, CPU, ${steps} steps per window, 64x128 frames${baseline ? `; baseline ${resolve(baseline)}` : ''}`);
    const last = (out) => JSON.parse(out.trim().split('\n').pop());
    // Each checkout that has an optimised-graph cache, through it: a first opening (into an empty cache, writing it)
    // and a reopening (reading what an opening before the rounds wrote).
    const checkouts = runs.filter((r) => r.label !== "this, baseline's bundle");
    const cached = [];
    for (const run of checkouts) {
      if (!('OptimisedGraphCache' in (await models(run.root)))) continue;
      const name = run.label === 'this checkout' ? 'this' : run.label;
      const reread = join(dir, `graphs-reread-${name}`);
      child('--open', run.root, run.bundle, reread);
      cached.push(
        { label: `${name}, cache first opening`, root: run.root, bundle: run.bundle, cache: (round) => [join(dir, `graphs-first-${name}-${round}`)] },
        { label: `${name}, cache reopening`, root: run.root, bundle: run.bundle, cache: () => [reread] },
      );
    }
    const openRuns = [...runs.map((run) => ({ ...run, cache: () => [] })), ...cached];
    const opens = openRuns.map(() => []);
    for (let round = 0; round < rounds; round++) {
      openRuns.forEach((run, i) => {
        const o = last(child('--open', run.root, run.bundle, ...run.cache(round)));
        opens[i].push(o);
        reportOpen(run.label, o);
      });
    }
    if (rounds > 1) {
      console.log(`best of ${rounds} rounds, opening sessions:`);
      const best = (os, key) => Math.min(...os.map((o) => o[key]));
      openRuns.forEach((run, i) => {
        const os = opens[i];
        console.log(`  ${run.label.padEnd(30)} denoiser ${best(os, 'denoiserOpenSeconds')} s (${best(os, 'denoiserOpenCpuSeconds')} s CPU), all ${best(os, 'allOpenSeconds')} s (${best(os, 'allOpenCpuSeconds')} s CPU)`);
      });
    }
    for (const frames of lengths) {
      const results = runs.map(() => []);
      for (let round = 0; round < rounds; round++) {
        runs.forEach((run, i) => {
          const r = last(child('--one', run.root, run.bundle, String(frames), String(steps)));
          results[i].push(r);
          report(run.label, r);
        });
      }
      if (rounds > 1) {
        console.log(`best of ${rounds} rounds, ${frames} frames:`);
        const best = (rs, key) => Math.min(...rs.map((r) => r[key] ?? Infinity));
        runs.forEach((run, i) => {
          const rs = results[i];
          console.log(`  ${run.label.padEnd(26)} open ${best(rs, 'openSeconds')} s, conditioning + first step ${best(rs, 'conditioningAndFirstStepSeconds')} s, step ${best(rs, 'stepSeconds')} s, a window's first step ${best(rs, 'windowFirstStepSeconds')} s, total ${best(rs, 'seconds')} s`);
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
