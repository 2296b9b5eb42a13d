#!/usr/bin/env node
// Time to first frame: starts the real server on a temp data dir, uploads a small image, then for each round
// posts a 1-frame run (Load Image -> Save Image, a new image each round so nothing is cached) with the
// client's socket id and measures POST -> first `frame` Socket.IO event, next to POST -> 202 and -> run:finished.
// Usage: node bench/first-frame.mjs [rounds=10]   (build libs and server first)
import { createRgbImage, encodePng } from '@lvcd/media';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { loadConfig } from '../apps/server/dist/config/config.js';
import { startServer } from '../apps/server/dist/server.js';

const rounds = Number(process.argv[2] ?? 10);
const dataDir = await mkdtemp(join(tmpdir(), 'lvcd-bench-frame-'));
const bootStart = performance.now();
const app = await startServer(loadConfig({ LVCD_DATA_DIR: dataDir, LVCD_PORT: '0' }), { logger: ['error'] });
const boot = performance.now() - bootStart;
const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const socket = io(url, { transports: ['websocket'] });
await new Promise((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));

async function uploadImage(fill) {
  const form = new FormData();
  form.append('file', new Blob([await encodePng(createRgbImage(64, 64, fill))]), `frame-${fill}.png`);
  return (await (await fetch(`${url}/api/assets`, { method: 'POST', body: form })).json()).id;
}

// Always listening: a run can finish before its 202 arrives, so ends are recorded as they come.
const ends = new Map();
const waiting = new Map();
socket.on('run:finished', ({ runId }) => {
  ends.set(runId, performance.now());
  waiting.get(runId)?.(ends.get(runId));
});
const finishedAt = (runId) => (ends.has(runId) ? Promise.resolve(ends.get(runId)) : new Promise((resolve) => waiting.set(runId, resolve)));

const rows = [];
for (let r = 0; r < rounds + 1; r++) {
  const assetId = await uploadImage(r);
  const document = {
    format: 'lvcd-studio/workflow',
    version: 1,
    nodes: [
      { id: 'load', type: 'image/load', params: { image: assetId }, position: { x: 0, y: 0 } },
      { id: 'save', type: 'image/save', params: {}, position: { x: 200, y: 0 } },
    ],
    links: [{ from: { node: 'load', output: 'image' }, to: { node: 'save', input: 'image' } }],
    meta: {},
  };
  // Listen before posting: the run can finish before the 202 arrives.
  const frame = new Promise((resolve) => socket.once('frame', () => resolve(performance.now())));
  const start = performance.now();
  const res = await fetch(`${url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ document, socketId: socket.id }) });
  const accepted = performance.now();
  const { id: runId } = await res.json();
  const finished = await finishedAt(runId);
  const first = await frame;
  if (r > 0) rows.push({ accepted: accepted - start, frame: first - start, finished: finished - start }); // round 0 warms up
}
socket.close();
await app.close();
await rm(dataDir, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => x.toFixed(2).padStart(8);
const m = { accepted: median(rows.map((r) => r.accepted)), frame: median(rows.map((r) => r.frame)), finished: median(rows.map((r) => r.finished)) };
console.log(`server start: ${boot.toFixed(0)} ms; ${rounds} runs of Load Image -> Save Image (64x64), medians:`);
console.log(`  POST -> 202           ${fmt(m.accepted)} ms`);
console.log(`  POST -> first frame   ${fmt(m.frame)} ms`);
console.log(`  POST -> run:finished  ${fmt(m.finished)} ms`);
console.log(`  first frame / run:finished: ${(m.frame / m.finished).toFixed(2)}; best first frame ${Math.min(...rows.map((r) => r.frame)).toFixed(2)} ms`);
