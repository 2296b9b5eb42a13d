// On-demand benchmark of the LVCD pipeline on the tiny bundle (CPU): the host overhead (total pipeline time
// over time inside ONNX Runtime) and the peak RSS for 39, 390 and 3,900 frames (the golden clip looped), each
// length in its own process, to show that memory does not grow with the clip.
// Needs built libs (npx tsc -p libs/models/tsconfig.json). Usage: node bench/lvcd.mjs [--steps N] [frames...]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The pipeline from the package, the golden fixtures from its test-only subpath.
const models = async () => ({ ...(await import(join(repoRoot, 'libs/models/dist/index.js'))), ...(await import(join(repoRoot, 'libs/models/dist/testing/index.js'))) });

async function runOne(bundleDir, frames, steps) {
  const m = await models();
  const golden = await m.loadGoldens(join(m.lvcdTinyFixturesDir(), 'golden-sample.safetensors'));
  const sketches = golden.sketches;
  const size = sketches.data.length / sketches.dims[0];
  const bundle = await m.openLvcdBundle(bundleDir, 'cpu');
  let emitted = 0;
  const started = performance.now();
  await m.colorizeClip({
    networks: bundle,
    reference: golden.reference_image.data,
    height: 64,
    width: 128,
    frameCount: frames,
    hint: async (f) => sketches.data.slice((f % sketches.dims[0]) * size, (f % sketches.dims[0] + 1) * size),
    options: { ...m.DEFAULT_COLORIZE, numSteps: steps, prevAttnSteps: steps },
    onFrame: () => void emitted++,
  });
  const totalMs = performance.now() - started;
  const result = {
    frames,
    outputFrames: emitted,
    steps,
    seconds: +(totalMs / 1000).toFixed(1),
    insideOrtSeconds: +(bundle.runtimeMs / 1000).toFixed(1),
    totalOverOrt: +(totalMs / bundle.runtimeMs).toFixed(3),
    peakRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  };
  await bundle.release();
  return result;
}

if (process.argv[2] === '--one') {
  const [, , , bundleDir, frames, steps] = process.argv;
  console.log(JSON.stringify(await runOne(bundleDir, Number(frames), Number(steps))));
} else {
  const args = process.argv.slice(2);
  const stepsAt = args.indexOf('--steps');
  const steps = stepsAt >= 0 ? Number(args.splice(stepsAt, 2)[1]) : 2;
  const lengths = args.length ? args.map(Number) : [39, 390, 3900];
  const m = await models();
  const dir = mkdtempSync(join(tmpdir(), 'lvcd-bench-'));
  try {
    const fixtures = m.lvcdTinyFixturesDir();
    await m.convertBundle({
      svd: join(fixtures, 'svd-tiny.safetensors'),
      lvcd: join(fixtures, 'lvcd-tiny.ckpt'),
      outDir: dir,
      frame: { height: 64, width: 128 },
      ...m.architectureFromConfigJson(JSON.parse(readFileSync(join(fixtures, 'tiny-config.json'), 'utf8'))),
    });
    console.log(`LVCD pipeline, tiny bundle, CPU, ${steps} steps per window, 64x128 frames`);
    for (const frames of lengths) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--one', dir, String(frames), String(steps)], { encoding: 'utf8' });
      const r = JSON.parse(out.trim().split('\n').pop());
      console.log(`${String(r.frames).padStart(5)} frames -> ${r.outputFrames} out: ${r.seconds} s total, ${r.insideOrtSeconds} s in ONNX Runtime (total/ORT ${r.totalOverOrt}), peak RSS ${r.peakRssMiB} MiB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
