// On-demand benchmark: measures one denoiser step and one decode chunk of a bundle on the CPU (each in its own
// process, so its peak RSS is its own) and prints them beside what the plan estimate predicts, with the ratio.
// The constants of libs/models/src/planning/calibration.ts are fitted to these figures together with
// bench/real-shape-cpu.mjs's (docs/performance.md); each estimate is split into its MACs, attention scores and
// written values (passSeconds), so a run shows which rate a misfit is in.
// Needs built libs. Usage: node bench/plan-calibration.mjs [--bundle DIR] [--sizes 128x64,576x320] [--chunk 10]
// Without --bundle it converts the tiny test bundle (../shared/fixtures/lvcd-tiny) for each size into a temp dir.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freemem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const models = () => import(join(repoRoot, 'libs/models/dist/index.js'));
const MIB = 2 ** 20;

/** Child: open the bundle, run one thing, print its figures as JSON. */
async function child(kind, bundleDir, width, height, chunk) {
  const m = await models();
  const bundle = await m.openLvcdBundle(bundleDir, 'cpu');
  const [h, w] = [height / 8, width / 8];
  let seconds;
  if (kind === 'step') {
    const reference = new Float32Array(3 * height * width).fill(0.1);
    const sketch = new Float32Array(3 * height * width).fill(1);
    const stamps = [];
    await m.sampleClipLatents({
      networks: bundle, reference, width, height, frameCount: 15, hint: async () => sketch,
      options: { ...m.DEFAULT_COLORIZE, numSteps: 3, prevAttnSteps: 3 },
      onProgress: () => stamps.push(performance.now()), onLatent: () => undefined,
    });
    // The first step warms kernels up; the later ones are what a window costs per step.
    seconds = (stamps[2] - stamps[0]) / 2000;
  } else {
    const latents = new Float32Array(chunk * 4 * h * w).fill(0.05);
    await bundle.decoder.decode(latents, chunk);
    const started = performance.now();
    await bundle.decoder.decode(latents, chunk);
    seconds = (performance.now() - started) / 1000;
  }
  console.log(JSON.stringify({ seconds, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
  await bundle.release();
}

async function convertTiny(dir, width, height) {
  const m = await models();
  const fixtures = join(repoRoot, '..', 'shared', 'fixtures', 'lvcd-tiny');
  const architecture = m.architectureFromConfigJson(JSON.parse(readFileSync(join(fixtures, 'tiny-config.json'), 'utf8')));
  await m.convertBundle({ svd: join(fixtures, 'svd-tiny.safetensors'), lvcd: join(fixtures, 'lvcd-tiny.ckpt'), outDir: dir, frame: { height, width }, ...architecture });
}

function measure(kind, dir, width, height, chunk) {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', kind, '--bundle', dir, '--sizes', `${width}x${height}`, '--chunk', String(chunk)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

const { values } = parseArgs({ options: { child: { type: 'string' }, bundle: { type: 'string' }, sizes: { type: 'string', default: '128x64,576x320' }, chunk: { type: 'string', default: '10' } } });
const sizes = values.sizes.split(',').map((s) => s.split('x').map(Number));
const chunk = Number(values.chunk);
if (values.child) {
  await child(values.child, values.bundle, sizes[0][0], sizes[0][1], chunk);
} else {
  const m = await models();
  console.log(`plan estimate against measured runs (CPU, free memory ${(freemem() / 2 ** 30).toFixed(1)} GB)`);
  console.log('size      part     measured s  estimate s  ratio   measured MiB  estimate MiB  ratio   estimate: MACs / scores / writes s');
  for (const [width, height] of sizes) {
    const temp = values.bundle ? undefined : mkdtempSync(join(tmpdir(), 'lvcd-plan-'));
    const dir = values.bundle ?? join(temp, 'bundle');
    try {
      if (temp) await convertTiny(dir, width, height);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const estimate = m.estimatePlan({ manifest, width, height, frames: 15, pad: true, steps: 1, decoding: { chunk, overlap: 3 }, provider: 'cpu', deviceMemoryBytes: freemem() });
      const c = m.CALIBRATION.cpu;
      const [h, w] = [height / 8, width / 8];
      const step = m.denoiserStepCost(manifest.config.denoiser, { frames: m.WINDOW_FRAMES, latentHeight: h, latentWidth: w });
      // A format 2 bundle encodes the hint once per window, outside the steps this measures.
      const apart = (cost) => (manifest.models.hint_encoder ? { macs: cost.macs - cost.hintEncoder.macs, attentionScores: cost.attentionScores, writtenValues: cost.writtenValues - cost.hintEncoder.writtenValues } : cost);
      const costs = { step: apart(step), decode: m.decoderChunkCost(manifest.config.vaeDecoder, chunk, h, w) };
      const split = (cost) => [cost.macs / c.macsPerSecond, cost.attentionScores / c.attentionScoresPerSecond, cost.writtenValues / c.writtenValuesPerSecond].map((s) => s.toFixed(2)).join(' / ');
      for (const kind of ['step', 'decode']) {
        const got = measure(kind, dir, width, height, chunk);
        const predictedSeconds = kind === 'step' ? estimate.stepSeconds : estimate.chunkSeconds;
        const predictedBytes = c.runtimeBytes + estimate.weightsBytes + (kind === 'step' ? estimate.denoiserPeakBytes : estimate.decoderPeakBytes);
        console.log(
          `${`${width}x${height}`.padEnd(10)}${kind.padEnd(9)}${got.seconds.toFixed(2).padStart(10)}  ${predictedSeconds.toFixed(2).padStart(10)}  ${(predictedSeconds / got.seconds).toFixed(2).padStart(5)}` +
            `   ${(got.peakRssBytes / MIB).toFixed(0).padStart(12)}  ${(predictedBytes / MIB).toFixed(0).padStart(12)}  ${(predictedBytes / got.peakRssBytes).toFixed(2).padStart(5)}   ${split(costs[kind])}`,
        );
      }
    } finally {
      if (temp) rmSync(temp, { recursive: true, force: true });
    }
  }
}
