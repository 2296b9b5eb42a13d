#!/usr/bin/env node
// Conversion benchmark (run on demand): converts the tiny LVCD fixtures to an ONNX bundle and
// prints the conversion time and peak RSS, with a projection to the real 9.6 GB checkpoints.
// With --real-size it also MEASURES a real-size run: it writes a synthetic svd.safetensors
// holding every tensor the part-1 graphs read, at the shapes of keys-real-svd.tsv (3.1 GB,
// constant values), converts it, and deletes it.
//
//   npx tsc -p libs/models/tsconfig.json && node bench/convert.mjs [--fp16] [--real-size]
//
// LVCD_SHARED_DIR overrides where shared/ (with fixtures/lvcd-tiny) lives.
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const models = await import(path.join(repoRoot, 'libs/models/dist/index.js')).catch((error) => {
  console.error(`libs/models is not built (${error.message}); run: npx tsc -p libs/models/tsconfig.json`);
  process.exit(1);
});
const { lvcdTinyFixturesDir } = await import(path.join(repoRoot, 'libs/models/dist/testing/index.js'));
const { convertBundle, ShapeOnlyWeightSource, OverlayWeightSource, inferArchitecture, planBundleGraphs } = models;

const args = process.argv.slice(2);
const fp16 = args.includes('--fp16');
const realSize = args.includes('--real-size');
const fixtures = lvcdTinyFixturesDir();
const work = await mkdtemp(path.join(tmpdir(), 'lvcd-bench-'));
const MB = 1024 * 1024;
const REAL_SOURCE_BYTES = 9.56e9; // svd.safetensors, F32 (2,389,819,785 parameters)
const count = (shape) => shape.reduce((a, b) => a * b, 1);

/** Converts once, sampling RSS every 5 ms (the converter also samples after every tensor). */
async function measure(label, options) {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const marks = {};
  const started = performance.now();
  const result = await convertBundle({ ...options, fp16 }, (p) => {
    if (!(p.stage in marks)) {
      marks[p.stage] = performance.now();
      if (!process.stdout.isTTY) console.log(`  [${p.stage}] ${p.message}`);
    }
    if (process.stdout.isTTY) process.stdout.write(`\r  [${p.stage}] ${(p.fraction * 100).toFixed(0).padStart(3)}% ${p.message.slice(0, 80).padEnd(80)}`);
  });
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, result.peakRssBytes);
  const sourceBytes = Object.values(result.manifest.sources).reduce((n, s) => n + s.bytes, 0);
  const writtenBytes = Object.values(result.manifest.models).reduce((n, m) => n + m.dataBytes, 0);
  const hashSeconds = ((marks.converting ?? performance.now()) - (marks.hashing ?? started)) / 1000;
  if (process.stdout.isTTY) process.stdout.write('\r'.padEnd(100) + '\r');
  console.log(`${label} (${fp16 ? 'fp16' : 'fp32'} weights): ${(sourceBytes / MB).toFixed(1)} MB of sources, ${(writtenBytes / MB).toFixed(1)} MB of ONNX weights`);
  console.log(`  conversion time   ${seconds.toFixed(2)} s (hashing ${hashSeconds.toFixed(2)} s, graphs + weights ${(seconds - hashSeconds).toFixed(2)} s)`);
  console.log(`  peak RSS          ${(peak / MB).toFixed(0)} MB (baseline ${(baseline / MB).toFixed(0)} MB, +${((peak - baseline) / MB).toFixed(0)} MB; largest tensor ${(result.largestTensorBytes / MB).toFixed(1)} MB)`);
  return { seconds, hashSeconds, sourceBytes, writtenBytes, peak, baseline };
}

// Real-size listing: which tensors the part-1 graphs read, and the largest of them.
const listing = (name) => ShapeOnlyWeightSource.fromListingFile(path.join(fixtures, name));
const realMain = new OverlayWeightSource(await listing('keys-real-svd.tsv'), await listing('keys-real-lvcd-ckpt.tsv'));
const realLineart = await listing('keys-sk.tsv');
const realKeys = new Set();
for (const plan of planBundleGraphs(realMain, realLineart, inferArchitecture(realMain, realLineart))) {
  if (plan.id !== 'lineart') for (const key of plan.buildGraph('fp32').consumedKeys) realKeys.add(key);
}
const realLargest = Math.max(...[...realKeys].map((k) => count(realMain.info(k).shape) * 4));
const realPart1Bytes = [...realKeys].reduce((n, k) => n + count(realMain.info(k).shape) * 4, 0);

const tinyConfig = JSON.parse(await readFile(path.join(fixtures, 'tiny-config.json'), 'utf8'));
const tiny = await measure('tiny fixtures', {
  svd: path.join(fixtures, 'svd-tiny.safetensors'), lvcd: path.join(fixtures, 'lvcd-tiny.ckpt'),
  lineart: path.join(fixtures, 'sk-tiny.pth'), outDir: path.join(work, 'tiny'), clipHeadWidth: tinyConfig.clip.vision_cfg.head_width,
});
const hashRate = tiny.sourceBytes / Math.max(tiny.hashSeconds, 1e-3);
const writeRate = tiny.writtenBytes / Math.max(tiny.seconds - tiny.hashSeconds, 1e-3);
console.log(`projection to the real checkpoints (${(REAL_SOURCE_BYTES / 1e9).toFixed(2)} GB; rates from the tiny run, which small files understate):`);
console.log(`  hashing ~${(REAL_SOURCE_BYTES / hashRate).toFixed(0)} s; part-1 graphs (${(realPart1Bytes / 1e9).toFixed(2)} GB of weights) ~${(realPart1Bytes / writeRate).toFixed(0)} s; all 9.6 GB ~${(REAL_SOURCE_BYTES / writeRate).toFixed(0)} s`);
console.log(`  peak memory ~ baseline + a few copies of the largest tensor (${(realLargest / MB).toFixed(0)} MB for part 1)`);

if (realSize) {
  // Synthetic real-size svd.safetensors with exactly the keys the part-1 graphs read.
  const file = path.join(work, 'svd-real-size.safetensors');
  const header = {};
  let offset = 0;
  for (const key of realKeys) {
    const bytes = count(realMain.info(key).shape) * 4;
    header[key] = { dtype: 'F32', shape: realMain.info(key).shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const handle = await open(file, 'w');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  await handle.write(length, 0, 8, 0);
  await handle.write(json, 0, json.length, 8);
  const chunk = new Float32Array(4 * MB).fill(0.01);
  for (let at = 0; at < offset; at += chunk.byteLength) {
    const n = Math.min(chunk.byteLength, offset - at);
    await handle.write(new Uint8Array(chunk.buffer, 0, n), 0, n, 8 + json.length + at);
  }
  await handle.close();
  console.log(`\nwrote synthetic ${(offset / 1e9).toFixed(2)} GB real-size svd.safetensors (${realKeys.size} tensors)`);
  const real = await measure('real-size part-1 graphs (synthetic weights)', {
    svd: file, lvcd: path.join(fixtures, 'lvcd-tiny.ckpt'), lineart: path.join(fixtures, 'sk-tiny.pth'), outDir: path.join(work, 'real'),
  });
  const rate = real.writtenBytes / (real.seconds - real.hashSeconds);
  console.log(`  => full 9.6 GB at the measured ${(rate / MB).toFixed(0)} MB/s write and ${(real.sourceBytes / real.hashSeconds / MB).toFixed(0)} MB/s hash rate: ~${(REAL_SOURCE_BYTES / rate + REAL_SOURCE_BYTES / (real.sourceBytes / real.hashSeconds)).toFixed(0)} s`);
}
await rm(work, { recursive: true, force: true });
