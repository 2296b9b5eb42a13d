// On-demand benchmark of the classical chain (lineart -> Flat Colorize), disk to disk, frame by frame.
// Prints frames per second and peak RSS for 75 and 750 frames (the real clip looped) to show that memory
// stays flat with clip length. Needs a built libs/models (npx tsc -p libs/models/tsconfig.json).
// Usage: node bench/media.mjs [frames...]   (default: 75 750; LVCD_SHARED_DIR overrides ../shared)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const clipDir = join(process.env.LVCD_SHARED_DIR ?? resolve(repoRoot, '../shared'), 'fixtures/clips/sample_1');

async function runOne(frames) {
  const m = await import(join(repoRoot, 'libs/models/dist/index.js'));
  const out = mkdtempSync(join(tmpdir(), 'lvcd-bench-'));
  try {
    const reference = await m.decodeRgb(join(clipDir, '0.png'));
    const lineart = new m.ClassicalLineart(reference.width, reference.height);
    const colorizer = new m.FlatColorizer(reference);
    const sketches = await m.FrameStoreWriter.create(join(out, 'sketches'), 12);
    const colored = await m.FrameStoreWriter.create(join(out, 'colored'), 12);
    const started = performance.now();
    for (let i = 0; i < frames; i++) {
      const frame = await m.decodeRgb(join(clipDir, `${i % 75}.png`));
      const sketch = lineart.extract(frame);
      await sketches.append(sketch);
      await colored.append(colorizer.colorize(sketch));
    }
    await sketches.finish();
    await colored.finish();
    const seconds = (performance.now() - started) / 1000;
    // maxRSS is in KiB: the process's peak resident memory over its whole life.
    return { frames, fps: +(frames / seconds).toFixed(2), seconds: +seconds.toFixed(1), peakRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--one') {
  console.log(JSON.stringify(await runOne(Number(process.argv[3]))));
} else {
  const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
  // Each length runs in its own process, so each peak RSS is that run's alone.
  for (const frames of counts.length ? counts : [75, 750]) {
    const line = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--one', String(frames)], { encoding: 'utf8' });
    const r = JSON.parse(line.trim().split('\n').pop());
    console.log(`lineart + flat colorize, ${r.frames} frames: ${r.fps} fps (${r.seconds} s), peak RSS ${r.peakRssMiB} MiB`);
  }
}
