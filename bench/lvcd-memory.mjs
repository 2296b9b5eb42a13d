// On-demand benchmark: peak RSS of a whole LVCD run (one 19-position window at 576x320, its conditioning, sampling
// and decode) on the tiny bundle, CPU, with the denoiser's attention fused (ONNX Runtime MultiHeadAttention, the
// default) against the plain MatMul-Softmax-MatMul graph. Each run is its own process, one after the other; the
// plain run needs ~13 GB, so it is skipped unless that much memory is available (--fused-only skips it outright).
// Needs built libs (npx tsc -p libs/models/tsconfig.json). Usage: node bench/lvcd-memory.mjs [--steps N] [--fused-only]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freemem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const models = () => import(join(repoRoot, 'libs/models/dist/index.js'));
const testing = () => import(join(repoRoot, 'libs/models/dist/testing/index.js'));

const FRAME = { height: 320, width: 576 };
/** One window: 1 + 14 output frames, 19 positions in the denoiser. */
const FRAMES = 15;
const PLAIN_NEEDS_BYTES = 16 * 2 ** 30;

/** Nearest-neighbour resample of a (3, h, w) image: the golden 64x128 sketches and reference stand in at 320x576. */
function resample(src, h, w, H, W) {
  const out = new Float32Array(3 * H * W);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < H; y++) {
      const sy = Math.floor((y * h) / H);
      for (let x = 0; x < W; x++) out[(c * H + y) * W + x] = src[(c * h + sy) * w + Math.floor((x * w) / W)];
    }
  }
  return out;
}

async function runOne(bundleDir, steps) {
  const m = await models();
  const t = await testing();
  const golden = await t.loadGoldens(join(t.lvcdTinyFixturesDir(), 'golden-sample.safetensors'));
  const [, , h, w] = golden.sketches.dims;
  const perFrame = 3 * h * w;
  const sketches = Array.from({ length: golden.sketches.dims[0] }, (_, f) =>
    resample(golden.sketches.data.subarray(f * perFrame, (f + 1) * perFrame), h, w, FRAME.height, FRAME.width));
  const reference = resample(golden.reference_image.data, h, w, FRAME.height, FRAME.width);
  const bundle = await m.openLvcdBundle(bundleDir, 'cpu');
  let emitted = 0;
  const started = performance.now();
  await m.colorizeClip({
    networks: bundle,
    reference,
    ...FRAME,
    frameCount: FRAMES,
    hint: async (f) => sketches[f % sketches.length],
    options: { ...m.DEFAULT_COLORIZE, numSteps: steps, prevAttnSteps: steps },
    onFrame: () => void emitted++,
  });
  const result = {
    outputFrames: emitted,
    seconds: +((performance.now() - started) / 1000).toFixed(1),
    insideOrtSeconds: +(bundle.runtimeMs / 1000).toFixed(1),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  await bundle.release();
  return result;
}

/** MemAvailable (page cache counts as free), which os.freemem() does not report on every Node version. */
function availableBytes() {
  try {
    const kb = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch { /* not Linux */ }
  return freemem();
}

async function convert(dir, attention) {
  const m = await models();
  const t = await testing();
  const fixtures = t.lvcdTinyFixturesDir();
  await m.convertBundle({
    svd: join(fixtures, 'svd-tiny.safetensors'),
    lvcd: join(fixtures, 'lvcd-tiny.ckpt'),
    outDir: dir,
    frame: FRAME,
    attention,
    ...m.architectureFromConfigJson(JSON.parse(readFileSync(join(fixtures, 'tiny-config.json'), 'utf8'))),
  });
}

if (process.argv[2] === '--one') {
  console.log(JSON.stringify(await runOne(process.argv[3], Number(process.argv[4]))));
} else {
  const args = process.argv.slice(2);
  const stepsAt = args.indexOf('--steps');
  const steps = stepsAt >= 0 ? Number(args[stepsAt + 1]) : 2;
  const forms = args.includes('--fused-only') ? ['fused'] : ['fused', 'plain'];
  const root = mkdtempSync(join(tmpdir(), 'lvcd-memory-'));
  const results = {};
  try {
    console.log(`LVCD tiny bundle, CPU, one window (${FRAMES} output frames, 19 positions) at ${FRAME.width}x${FRAME.height}, ${steps} steps`);
    for (const form of forms) {
      const available = availableBytes();
      if (form === 'plain' && available < PLAIN_NEEDS_BYTES) {
        console.log(`plain: skipped, ${(available / 2 ** 30).toFixed(1)} GiB available and it needs ~${PLAIN_NEEDS_BYTES / 2 ** 30} GiB`);
        continue;
      }
      const dir = join(root, form);
      await convert(dir, form);
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--one', dir, String(steps)], { encoding: 'utf8', maxBuffer: 1 << 24 });
      results[form] = JSON.parse(out.trim().split('\n').pop());
      const r = results[form];
      console.log(`${form.padEnd(6)} peak RSS ${String(r.peakRssMiB).padStart(6)} MiB, ${r.seconds} s (${r.insideOrtSeconds} s in ONNX Runtime), ${r.outputFrames} frames`);
      rmSync(dir, { recursive: true, force: true });
    }
    if (results.fused && results.plain) {
      const { fused, plain } = results;
      console.log(`plain / fused: peak RSS ${(plain.peakRssMiB / fused.peakRssMiB).toFixed(2)}x, time ${(plain.seconds / fused.seconds).toFixed(2)}x`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
