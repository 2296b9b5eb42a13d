#!/usr/bin/env node
// Benchmark: enumerating a zip of tiny frames (list the frames, then read every frame's bytes), as Load Frames, the
// upload check and compare do. Before: the old path, the whole zip read into memory and fflate's unzipSync walking
// the directory once to list and once more per frame read (quadratic). After: openFrameZip from @lvcd/media, the
// zip read in place (its directory once, then one read per frame).
// Usage: node bench/frame-zip.mjs [--counts 1000,5000,20000] [--before-max 20000] [--large 1000x131072]. Build
// libs/media first. --large adds a zip of that many frames of that many bytes of noise (stored), where memory
// shows: the old path holds the whole zip, the new one a 1 MiB read window. Each measurement runs in its own
// process, so its peak RSS is its own; "growth" is peak RSS minus the RSS the process had before it touched the zip.
import { openFrameZip, defaultZipLimits, naturalSort, encodePng, ZipFileWriter } from '@lvcd/media';
import { unzipSync } from 'fflate';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option } from './support/studio.mjs';

const IMAGE = /\.(png|jpe?g|webp)$/i;

/** The old path (libs/media io/zip-read.ts before openFrameZip): fflate over the whole buffer. */
async function before(path) {
  const zip = new Uint8Array(readFileSync(path));
  const infos = [];
  unzipSync(zip, { filter: (info) => (infos.push(info), false) });
  const names = naturalSort(infos.filter((i) => IMAGE.test(i.name) && i.originalSize <= defaultZipLimits.maxEntryBytes).map((i) => i.name));
  let bytes = 0;
  for (const name of names) bytes += unzipSync(zip, { filter: (info) => info.name === name })[name].length;
  return { frames: names.length, bytes };
}

async function after(path) {
  const zip = await openFrameZip(path, 'bench.zip');
  let bytes = 0;
  for (let i = 0; i < zip.names.length; i++) bytes += (await zip.read(i)).length;
  await zip.close();
  return { frames: zip.names.length, bytes };
}

async function child(mode, path) {
  const baseline = process.memoryUsage().rss;
  const start = performance.now();
  const result = await (mode === 'before' ? before : after)(path);
  const seconds = (performance.now() - start) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ ...result, seconds, peak, growth: peak - baseline }));
}

async function makeZip(path, count, frameBytes) {
  const tiny = await encodePng({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(128) });
  const writer = await ZipFileWriter.create(path);
  for (let i = 1; i <= count; i++) await writer.add(`frames/frame_${i}.png`, frameBytes ? randomBytes(frameBytes) : tiny);
  await writer.finish();
}

function measure(mode, path) {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, '--zip', path], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out);
}

const mib = (b) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

async function main() {
  const counts = option('counts', '1000,5000,20000').split(',').map(Number);
  const beforeMax = Number(option('before-max', '20000'));
  const [largeCount, largeBytes] = option('large', '1000x131072').split('x').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'lvcd-bench-frame-zip-'));
  try {
    console.log('frames  zip size   path    time      peak RSS   RSS growth   frames read');
    const cases = [...counts.map((count) => ({ count, bytes: 0 })), ...(largeCount ? [{ count: largeCount, bytes: largeBytes }] : [])];
    for (const { count, bytes } of cases) {
      const path = join(dir, `frames-${count}-${bytes}.zip`);
      await makeZip(path, count, bytes);
      const rows = { after: measure('after', path) };
      if (count <= beforeMax) rows.before = measure('before', path);
      for (const [mode, r] of Object.entries(rows)) {
        if (r.frames !== count) throw new Error(`${mode} read ${r.frames} of ${count} frames`);
        console.log(`${String(count).padStart(6)}  ${mib(statSync(path).size).padStart(9)}  ${mode.padEnd(6)}  ${r.seconds.toFixed(3).padStart(7)} s  ${mib(r.peak).padStart(10)}  ${mib(r.growth).padStart(10)}   ${r.frames}`);
      }
      if (rows.before) {
        const { before: b, after: a } = rows;
        console.log(`        ratio before/after: time x${(b.seconds / a.seconds).toFixed(1)}, RSS growth x${(b.growth / Math.max(1, a.growth)).toFixed(1)}`);
      }
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) await child(option('child'), option('zip'));
else await main();
