// On-demand benchmark of the no-GPU colorizers at 576x320: Flat Colorize (before) and Flow Colorize (after),
// colorizer alone (sketches are extracted first, outside the timing), on one core (taskset -c 0 where the
// machine has it). Prints frames per second (wall and CPU) and peak RSS for 75 and 300 frames (sample_1
// looped), each length in its own process, to show that memory stays flat with clip length.
// Needs a built libs/media (npx tsc -p libs/media/tsconfig.json).
// Usage: node bench/media.mjs [frames...]   (default: 75 300; LVCD_SHARED_DIR overrides ../shared)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const clipDir = join(process.env.LVCD_SHARED_DIR ?? resolve(repoRoot, '../shared'), 'fixtures/clips/sample_1');

async function runOne(kind, frames) {
  const m = await import(join(repoRoot, 'libs/media/dist/index.js'));
  const reference = await m.decodeRgb(join(clipDir, '0.png'));
  const lineart = new m.ClassicalLineart(reference.width, reference.height);
  const sketches = [];
  for (let i = 0; i < 75; i++) sketches.push(lineart.extract(await m.decodeRgb(join(clipDir, `${i}.png`))));
  const colorizer = kind === 'flow' ? await m.FlowColorizer.create(reference) : new m.FlatColorizer(reference);
  let wall = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < frames; i++) {
    // Looping forward then back keeps the motion continuous, as a longer shot would be.
    const k = Math.floor(i / 75) % 2 === 0 ? i % 75 : 74 - (i % 75);
    const t = performance.now();
    colorizer.colorize(sketches[k]);
    wall += performance.now() - t;
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // maxRSS is in KiB: the process's peak resident memory over its whole life.
  return { kind, frames, fps: +(frames / (wall / 1000)).toFixed(2), cpuFps: +(frames / cpuSeconds).toFixed(2), peakRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1) };
}

if (process.argv[2] === '--one') {
  console.log(JSON.stringify(await runOne(process.argv[3], Number(process.argv[4]))));
} else {
  const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const oneCore = existsSync('/usr/bin/taskset');
  const results = {};
  for (const kind of ['flat', 'flow']) {
    for (const frames of counts.length ? counts : [75, 300]) {
      const args = [fileURLToPath(import.meta.url), '--one', kind, String(frames)];
      const line = oneCore ? execFileSync('taskset', ['-c', '0', process.execPath, ...args], { encoding: 'utf8' }) : execFileSync(process.execPath, args, { encoding: 'utf8' });
      const r = JSON.parse(line.trim().split('\n').pop());
      (results[kind] ??= []).push(r);
      console.log(`${kind === 'flat' ? 'Flat Colorize' : 'Flow Colorize'}, 576x320, ${r.frames} frames${oneCore ? ', one core' : ''}: ${r.fps} fps (${r.cpuFps} fps of CPU time), peak RSS ${r.peakRssMiB} MiB`);
    }
  }
  const [flat, flow] = [results.flat, results.flow];
  console.log(`Flow / Flat: speed ${(flow[0].fps / flat[0].fps).toFixed(2)}x, peak RSS ${(flow[0].peakRssMiB / flat[0].peakRssMiB).toFixed(2)}x`);
  for (const [name, r] of [['Flat', flat], ['Flow', flow]]) {
    if (r.length > 1) console.log(`${name}: peak RSS at ${r.at(-1).frames} frames / at ${r[0].frames} frames = ${(r.at(-1).peakRssMiB / r[0].peakRssMiB).toFixed(2)}`);
  }
}
