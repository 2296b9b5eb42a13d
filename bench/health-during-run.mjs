// How the API answers while an LVCD run works: GET /api/health p50/p99/max and Socket.IO disconnects during one
// tiny-bundle LVCD Colorize run (one window), with runs in the worker process (the default) and on the API's own
// event loop (LVCD_RUNS_IN=server, the same scheduler and executor code, as every run executed before the worker).
// Each mode is a real `lvcd serve` on its own data dir (so the second run cannot hit the first one's cache).
// Needs the built studio (npm run build). Usage: node bench/health-during-run.mjs [--size 576x320] [--steps 1] [--frames 2]
// 576x320 is the model's grid (~2.5 GB peak for the tiny bundle); a smaller size gives a shorter bench.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { demoClipZip, installTinyBundle, lvcdWorkflow } from './support/lvcd-tiny.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { size: { type: 'string', default: '576x320' }, steps: { type: 'string', default: '1' }, frames: { type: 'string', default: '2' } } });
const [width, height] = values.size.split('x').map(Number);
const steps = Number(values.steps);
const frames = Number(values.frames);
const INTERVAL_MS = 50;

const { io } = await import('socket.io-client');

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function measure(mode, modelsDir, clipZip) {
  const dataDir = mkdtempSync(join(tmpdir(), `lvcd-health-${mode}-`));
  const port = await freePort();
  const env = { ...process.env, LVCD_RUNS_IN: mode, LVCD_MODELS_DIR: modelsDir, LVCD_AUTH_TOKEN: '', LVCD_PASSWORD: '' };
  delete env.LVCD_HOST;
  const child = spawn(process.execPath, [join(repoRoot, 'bin/lvcd.mjs'), 'serve', '--port', String(port), '--data-dir', dataDir], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  try {
    while (!(await fetch(`${url}/api/health`).then((r) => r.ok, () => false))) {
      if (child.exitCode !== null) throw new Error(`lvcd serve (${mode}) exited with code ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const form = new FormData();
    form.append('file', new Blob([clipZip], { type: 'application/zip' }), 'clip.zip');
    const clip = await (await fetch(`${url}/api/assets`, { method: 'POST', body: form })).json();
    const socket = io(url, { transports: ['websocket'], forceNew: true });
    await new Promise((ok, fail) => socket.once('connect', ok).once('connect_error', fail));
    let disconnects = 0;
    socket.on('disconnect', (reason) => reason !== 'io client disconnect' && disconnects++);
    // The run's end comes by polling: a socket that dropped and reconnected missed its run:finished.
    let ended;
    const started = performance.now();
    const run = await (await fetch(`${url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ document: lvcdWorkflow(clip.id, steps, 'health bench'), socketId: socket.id }) })).json();
    if (!run.id) throw new Error(`the run was refused: ${JSON.stringify(run)}`);
    const latencies = [];
    // A request the server drops (a keep-alive socket it closed while its loop was blocked) counts as failed;
    // its time until the failure still counts as its latency.
    let failed = 0;
    while (!ended) {
      const asked = performance.now();
      await fetch(`${url}/api/health`).then((r) => r.text(), () => void failed++);
      latencies.push(performance.now() - asked);
      if (latencies.length % 20 === 0) {
        const detail = await fetch(`${url}/api/runs/${run.id}`).then((r) => r.json(), () => undefined);
        if (detail && detail.status !== 'queued' && detail.status !== 'running') ended = detail;
      }
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
    const seconds = (performance.now() - started) / 1000;
    socket.close();
    if (ended.status !== 'succeeded') throw new Error(`the ${mode} run ${ended.status}: ${ended.error?.message}`);
    const sorted = latencies.sort((a, b) => a - b);
    return { mode, seconds, requests: sorted.length, failed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1), disconnects };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const work = mkdtempSync(join(tmpdir(), 'lvcd-health-bench-'));
try {
  await installTinyBundle(join(work, 'models'), { width, height });
  const zip = await demoClipZip(join(work, 'clip'), { width, height }, frames);
  console.log(`/api/health every ${INTERVAL_MS} ms during one LVCD Colorize run: tiny bundle, CPU, ${width}x${height}, ${frames} frames (one window), ${steps} step(s)`);
  const results = [];
  for (const mode of ['worker', 'server']) results.push(await measure(mode, join(work, 'models'), zip));
  const ms = (v) => `${v.toFixed(1)} ms`.padStart(10);
  console.log(`${'runs in'.padEnd(22)}${'run'.padStart(8)}${'requests'.padStart(10)}${'p50'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}${'failed'.padStart(8)}  socket disconnects`);
  for (const r of results) {
    const label = r.mode === 'worker' ? 'worker process' : 'API process (before)';
    console.log(`${label.padEnd(22)}${`${r.seconds.toFixed(1)} s`.padStart(8)}${String(r.requests).padStart(10)}${ms(r.p50)}${ms(r.p99)}${ms(r.max)}${String(r.failed).padStart(8)}  ${r.disconnects}`);
  }
  const [worker, server] = results;
  console.log(`p99 in the API process / p99 with the worker: ${(server.p99 / worker.p99).toFixed(1)}x`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
