#!/usr/bin/env node
// Benchmark: the compare view playing two 1,000-frame runs in real Chromium against a real server.
// Usage: node bench/compare-view.mjs [--frames 1000] [--seconds 10] [--fps 24] [--url http://127.0.0.1:5580]
// (without --url it starts a server on a throwaway data dir). Build first (npm run build).
// Makes a demo clip, runs two workflows over it (Load Frames -> Resize -> Save Frames, differing in the resize
// fit), opens #/compare/<a>/<b> and, per mode, plays for --seconds while recording requestAnimationFrame deltas
// in the page: the main thread's frame time. Also reports playback rate, stalls (a tick that waited for a
// frame), A/B sync on every animation frame, time to first picture and time to show a far seek.
import { generateDemoClip } from '@lvcd/media';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { option, startStudioServer } from './support/studio.mjs';

const FRAMES = Number(option('frames', '1000'));
const SECONDS = Number(option('seconds', '10'));
const FPS = Number(option('fps', '24'));
const MODES = (option('modes', 'side,wipe,diff')).split(',');


async function json(url, method, path, body) {
  const res = await fetch(url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const out = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(out)}`);
  return out;
}

function workflow(assetId, mode) {
  return {
    format: 'lvcd-studio/workflow',
    version: 1,
    meta: { name: `bench ${mode}` },
    nodes: [
      { id: 'load', type: 'frames/load', params: { frames: assetId, fps: FPS }, position: { x: 0, y: 0 } },
      { id: 'resize', type: 'frames/resize', params: { width: 576, height: 320, mode, pad: 'white' }, position: { x: 300, y: 0 } },
      { id: 'save', type: 'output/save-frames', params: { name: 'frames' }, position: { x: 600, y: 0 } },
    ],
    links: [
      { from: { node: 'load', output: 'frames' }, to: { node: 'resize', input: 'frames' } },
      { from: { node: 'resize', output: 'frames' }, to: { node: 'save', input: 'frames' } },
    ],
  };
}

async function run(url, document) {
  const { id } = await json(url, 'POST', '/api/runs', { document });
  for (;;) {
    const r = await json(url, 'GET', `/api/runs/${id}`);
    if (r.status === 'succeeded') return r;
    if (!['queued', 'running'].includes(r.status)) throw new Error(`run ${id} ${r.status}: ${JSON.stringify(r.error)}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  const given = option('url', null);
  const server = given ? { url: given, stop: () => {} } : await startStudioServer();
  const tmp = mkdtempSync(join(tmpdir(), 'lvcd-bench-clip-'));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    let t = performance.now();
    const clip = await generateDemoClip(tmp, { frames: FRAMES, width: 640, height: 320, seed: 11, fps: FPS });
    const form = new FormData();
    form.append('file', new Blob([readFileSync(clip.zip)], { type: 'application/zip' }), 'bench.zip');
    const asset = await (await fetch(`${server.url}/api/assets`, { method: 'POST', body: form })).json();
    const a = await run(server.url, workflow(asset.id, 'crop'));
    const b = await run(server.url, workflow(asset.id, 'pad'));
    console.log(`setup: ${FRAMES}-frame clip at 576x320 and two runs in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    t = performance.now();
    await page.goto(`${server.url}/#/compare/${a.id}/${b.id}`);
    await page.waitForFunction(() => document.querySelector('[data-testid=compare-stage]')?.dataset.frameA === '0');
    console.log(`first picture of both sides: ${(performance.now() - t).toFixed(0)} ms after navigation`);

    const results = [];
    for (const mode of MODES) {
      await page.click(`[data-testid=mode-${mode}]`);
      await page.click('[data-testid=first]');
      await page.waitForFunction(() => document.querySelector('[data-testid=compare-stage]')?.dataset.frameA === '0');
      const before = await page.evaluate(() => ({ ...window.__lvcdCompare.stats }));
      await page.click('[data-testid=play]');
      const sample = await page.evaluate(
        (ms) =>
          new Promise((done) => {
            const el = document.querySelector('[data-testid=compare-stage]');
            const deltas = [];
            let unsynced = 0;
            const shown = new Set();
            let last = performance.now();
            const t0 = last;
            const tick = (now) => {
              deltas.push(now - last);
              last = now;
              if (el.dataset.frameA !== el.dataset.frameB) unsynced++;
              shown.add(el.dataset.frameA);
              if (now - t0 < ms) requestAnimationFrame(tick);
              else done({ deltas, unsynced, distinct: shown.size, elapsed: now - t0 });
            };
            requestAnimationFrame(tick);
          }),
        SECONDS * 1000,
      );
      await page.click('[data-testid=play]');
      const after = await page.evaluate(() => ({ ...window.__lvcdCompare.stats }));
      const d = sample.deltas.slice(1).sort((x, y) => x - y);
      const advanced = after.advanced - before.advanced;
      results.push({
        mode,
        rafFrames: d.length,
        p50: pct(d, 50).toFixed(1),
        p95: pct(d, 95).toFixed(1),
        p99: pct(d, 99).toFixed(1),
        max: d[d.length - 1].toFixed(1),
        over33ms: d.filter((x) => x > 33.4).length,
        playedFps: ((advanced / sample.elapsed) * 1000).toFixed(1),
        targetFps: FPS,
        stalls: after.stalled - before.stalled,
        distinctFrames: sample.distinct,
        unsyncedSamples: sample.unsynced,
      });
    }
    console.table(results);

    // Far seeks while paused: time from the scrub to both sides showing the frame.
    const seeks = [];
    // Only frames the clip has: a shorter --frames run skips the far targets.
    for (const target of new Set([FRAMES - 1, Math.floor(FRAMES / 2), 137, FRAMES - 200, 3].filter((t) => t >= 0 && t < FRAMES))) {
      const ms = await page.evaluate(
        (i) =>
          new Promise((done) => {
            const el = document.querySelector('[data-testid=compare-stage]');
            const input = document.querySelector('[data-testid=scrub]');
            const t0 = performance.now();
            input.value = String(i);
            input.dispatchEvent(new Event('input', { bubbles: true }));
            const check = () => (el.dataset.frameA === String(i) && el.dataset.frameB === String(i) ? done(performance.now() - t0) : requestAnimationFrame(check));
            check();
          }),
        target,
      );
      seeks.push(`${target}: ${ms.toFixed(0)} ms`);
    }
    console.log(`seek to an unloaded frame (both sides shown): ${seeks.join(', ')}`);
    const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize);
    if (heap) console.log(`JS heap after playback: ${(heap / 1048576).toFixed(0)} MiB (decoded frames live outside it, in ImageBitmaps)`);
    if (errors.length) console.log(`page errors: ${errors.join('\n')}`);
  } finally {
    await browser.close();
    server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
