// Decoding of finished windows on another worker (`lvcd worker --offload-decode`), measured in scale-out mode on
// loopback: a real redis-server and Postgres, one `lvcd serve`, and the same LVCD Colorize run of the tiny bundle
// (several windows) in two set-ups, side by side:
// - before: one plain `lvcd worker` samples and decodes;
// - after: an `--offload-decode` worker samples and a second plain worker decodes the finished windows' chunks.
// Each set-up runs twice: the worker processes sharing this machine's cores, and each pinned to a core of its own
// with taskset (before on core 0 alone; after, the sampler on core 0 and the decoder on core 1), which stands in
// for decoding on a device of its own. Workers use as many ONNX Runtime threads as cores they may run on.
// Prints per set-up the run's time (its record's start to finish), the LVCD node's seconds (lvcd.json), the chunks
// decoded elsewhere, the after/before ratios, and the largest 8-bit difference of the saved frames to the first
// set-up's (must be <= 1).
// Needs the built studio (npm run build), redis-server, postgresql and taskset (util-linux).
// Usage: node bench/decode-offload.mjs [--size 256x256] [--frames 40] [--steps 2]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { json, startApi, startLvcd, waitForWorkers } from './support/lvcd-cli.mjs';
import { demoClipZip, installTinyBundle, lvcdWorkflow } from './support/lvcd-tiny.mjs';
import { withServices } from './support/services-scratch.mjs';
import { ROOT } from './support/studio.mjs';

const { values } = parseArgs({ options: { size: { type: 'string', default: '256x256' }, frames: { type: 'string', default: '40' }, steps: { type: 'string', default: '2' } } });
const [width, height] = values.size.split('x').map(Number);
const SIZE = { width, height };
const FRAMES = Number(values.frames);
const STEPS = Number(values.steps);

const media = await import(join(ROOT, 'libs/media/dist/index.js'));

/** What the bench is doing, on stderr so the figures on stdout stay clean. */
const step = (text) => process.stderr.write(`  .. ${text}\n`);
const pin = (core) => (core === undefined ? [] : ['taskset', '-c', String(core)]);

const SETUPS = [
  { label: 'before, shared cores', offload: false, cores: [] },
  { label: 'after, shared cores', offload: true, cores: [] },
  { label: 'before, core 0', offload: false, cores: [0] },
  { label: 'after, cores 0 + 1', offload: true, cores: [0, 1] },
];

async function upload(api, bytes, name, type) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  return (await json(`${api.url}/api/assets`, { method: 'POST', body: form })).id;
}

async function runToEnd(api, document) {
  const { id } = await json(`${api.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ document }) });
  const end = Date.now() + 15 * 60_000;
  for (;;) {
    const run = await json(`${api.url}/api/runs/${id}`);
    if (run.status === 'succeeded') return run;
    if (run.status !== 'queued' && run.status !== 'running') throw new Error(`run ${id} ${run.status}: ${JSON.stringify(run.error)}`);
    if (Date.now() > end) throw new Error(`run ${id} still ${run.status} after 15 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Until worker `id` lists a bundle open and no run: the API marks the next run of that bundle for it. */
async function waitForIdleWithBundle(api, id) {
  const end = Date.now() + 30_000;
  for (;;) {
    const listed = (await json(`${api.url}/api/workers`)).find((w) => w.id === id);
    if (listed?.bundles.length && listed.running.length === 0) return;
    if (Date.now() > end) throw new Error(`worker ${id} never listed an open bundle and no run`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The frames the run's Save Frames node zipped, each as RGB bytes. */
async function savedFrames(api, run, dir) {
  const zip = run.artifacts.find((a) => a.node === 'save' && a.name.endsWith('.zip'));
  if (!zip) throw new Error(`no saved zip among ${run.artifacts.map((a) => a.name).join(', ')}`);
  const file = join(dir, `${zip.id}.zip`);
  writeFileSync(file, Buffer.from(await (await fetch(`${api.url}/api/artifacts/${zip.id}`)).arrayBuffer()));
  const frames = await media.openFrameZip(file, 'saved frames');
  try {
    const out = [];
    for (let i = 0; i < frames.names.length; i++) out.push((await media.decodeRgb(await frames.read(i))).data);
    return out;
  } finally {
    await frames.close();
  }
}

function worstDifference(frames, expected) {
  if (frames.length !== expected.length) throw new Error(`${frames.length} frames, not ${expected.length}`);
  let worst = 0;
  frames.forEach((f, i) => f.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - expected[i][j])))));
  return worst;
}

/**
 * One set-up: the sampling worker opens the bundle on a short warm-up run (so the measured run does not pay for
 * it, and the API marks the measured run for it rather than the decoder), then the decoder joins; the output
 * cache goes before the measured run, so every node of it computes.
 */
async function measure(setup, { api, env, dataDir, clip, warmClip }) {
  const workers = [];
  try {
    step(`${setup.label}: starting the sampling worker`);
    const sampler = startLvcd(['worker', '--id', 'sampler', ...(setup.offload ? ['--offload-decode'] : [])], env, pin(setup.cores[0]));
    workers.push(sampler);
    await sampler.waitFor(/taking runs/, 60_000);
    await waitForWorkers([api], 1);
    step(`${setup.label}: warm-up run`);
    await runToEnd(api, lvcdWorkflow(warmClip, 1, 'decode-offload warm-up'));
    if (setup.offload) {
      step(`${setup.label}: starting the decoding worker`);
      const decoder = startLvcd(['worker', '--id', 'decoder'], env, pin(setup.cores[1]));
      workers.push(decoder);
      await decoder.waitFor(/taking runs/, 60_000);
      await waitForWorkers([api], 2);
    }
    await waitForIdleWithBundle(api, 'sampler');
    rmSync(join(dataDir, 'cache'), { recursive: true, force: true });
    step(`${setup.label}: measured run`);
    const run = await runToEnd(api, lvcdWorkflow(clip, STEPS, 'decode-offload bench'));
    const takers = (run.attempts ?? []).map((a) => a.worker);
    if (takers.join() !== 'sampler') throw new Error(`the run went to ${takers.join(', ')}, not the sampling worker`);
    const report = run.artifacts.find((a) => a.name === 'lvcd.json')?.meta;
    if (!report) throw new Error('the run has no lvcd.json report');
    return { ...setup, runSeconds: run.durationMs / 1000, lvcdSeconds: report.seconds, windows: report.windows, decoding: report.decoding, frames: await savedFrames(api, run, dataDir) };
  } finally {
    for (const w of workers.reverse()) await w.stop();
    await waitForWorkers([api], 0);
  }
}

async function bench() {
  return withServices('lvcd-bench-decode-offload-', step, async ({ root, redis, postgres, stops }) => {
    const dataDir = join(root, 'data');
    step(`converting the tiny bundle for ${width}x${height}`);
    mkdirSync(dataDir, { recursive: true });
    await installTinyBundle(join(dataDir, 'models'), SIZE);
    step('starting lvcd serve');
    const env = { ...process.env, LVCD_REDIS_URL: redis.url, LVCD_DATABASE_URL: postgres.url, LVCD_DATA_DIR: dataDir, LVCD_AUTH_TOKEN: '', LVCD_PASSWORD: '' };
    delete env.LVCD_HOST;
    delete env.LVCD_MODELS_DIR;
    const api = await startApi(env);
    stops.unshift(() => api.cli.stop());
    const clip = await upload(api, await demoClipZip(join(root, 'clip'), SIZE, FRAMES), 'clip.zip', 'application/zip');
    const warmClip = await upload(api, await demoClipZip(join(root, 'warm-clip'), SIZE, 2), 'warm-up.zip', 'application/zip');
    const results = [];
    for (const setup of SETUPS) results.push(await measure(setup, { api, env, dataDir, clip, warmClip }));
    return results;
  });
}

if (availableParallelism() < 2) throw new Error('the pinned set-ups need 2 cores');
console.log(`Decoding finished windows on another worker (lvcd worker --offload-decode), scale-out mode on loopback (redis-server, Postgres, 1 lvcd serve, shared data dir)`);
console.log(`LVCD Colorize, tiny bundle, CPU, ${width}x${height}, ${FRAMES} frames, ${STEPS} steps, default decode chunks (10 latents, 3 overlapping); ${availableParallelism()} cores here`);
const results = await bench();
const first = results[0];
console.log(`\n${'set-up'.padEnd(24)}${'windows'.padStart(8)}${'run'.padStart(10)}${'LVCD node'.padStart(11)}${'chunks elsewhere'.padStart(18)}${'max diff'.padStart(10)}`);
for (const r of results) {
  r.diff = worstDifference(r.frames, first.frames);
  const elsewhere = r.decoding ? `${r.decoding.elsewhere}/${r.decoding.chunks}${r.decoding.workers.length ? ` (${r.decoding.workers.join(', ')})` : ''}` : 'no offload';
  console.log(`${r.label.padEnd(24)}${String(r.windows).padStart(8)}${`${r.runSeconds.toFixed(1)} s`.padStart(10)}${`${r.lvcdSeconds.toFixed(1)} s`.padStart(11)}${elsewhere.padStart(18)}${String(r.diff).padStart(10)}`);
}
const ratio = (after, before) => `run ${(after.runSeconds / before.runSeconds).toFixed(2)}x, LVCD node ${(after.lvcdSeconds / before.lvcdSeconds).toFixed(2)}x`;
console.log(`\nafter / before, shared cores:   ${ratio(results[1], results[0])}`);
console.log(`after / before, pinned (core 0 vs cores 0 + 1): ${ratio(results[3], results[2])}`);
console.log(`(max diff: largest 8-bit difference of the saved frames to the first set-up's, over ${first.frames.length} frames)`);
const worst = Math.max(...results.map((r) => r.diff));
if (worst > 1) throw new Error(`the saved frames differ by up to ${worst} 8-bit steps, more than 1`);
