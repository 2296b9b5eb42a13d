#!/usr/bin/env node
// Benchmark: opening a 300-node workflow in the editor, in real Chromium against a real server.
// Usage: node bench/editor-open.mjs [--runs N] [--url http://127.0.0.1:5580]   (without --url it starts a server)
// Prints, per run and as a median: first contentful paint, time to interactive (the editor shows the workflow and
// takes input), and the time to open the same workflow from the Workflows panel into an empty canvas.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRgbImage, encodePng } from '@lvcd/media';
import { chromium } from 'playwright-core';
import { option, startStudioServer } from './support/studio.mjs';

const RUNS = Number(option('runs', '3'));
const CHAINS = 100; // Load Image -> Invert Image -> Save Image, 3 nodes each

function bigWorkflow(assetId) {
  const nodes = [];
  const links = [];
  for (let c = 0; c < CHAINS; c++) {
    const y = (c % 25) * 420;
    const x = Math.floor(c / 25) * 1000;
    const [a, b, s] = [3 * c + 1, 3 * c + 2, 3 * c + 3].map(String);
    nodes.push({ id: a, type: 'image/load', params: { image: assetId }, position: { x, y } });
    nodes.push({ id: b, type: 'image/invert', params: {}, position: { x: x + 320, y } });
    nodes.push({ id: s, type: 'image/save', params: { name: `out${c}` }, position: { x: x + 640, y } });
    links.push({ from: { node: a, output: 'image' }, to: { node: b, input: 'image' } });
    links.push({ from: { node: b, output: 'image' }, to: { node: s, input: 'image' } });
  }
  return { format: 'lvcd-studio/workflow', version: 1, nodes, links, meta: { name: 'bench-300' } };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const external = option('url');
  const server = external ? { url: external, stop: () => {} } : await startStudioServer();
  try {
    const form = new FormData();
    form.append('file', new Blob([await encodePng(createRgbImage(1, 1, 255))], { type: 'image/png' }), 'pixel.png');
    const asset = await (await fetch(`${server.url}/api/assets`, { method: 'POST', body: form })).json();
    const document = bigWorkflow(asset.id);
    const saved = await (await fetch(`${server.url}/api/workflows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench-300', document }) })).json();
    const draft = JSON.stringify({ document, name: 'bench-300', savedId: saved.id, savedVersion: saved.version, dirty: false });

    const results = [];
    for (let run = 0; run < RUNS; run++) {
      const profile = mkdtempSync(join(tmpdir(), 'lvcd-bench-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        viewport: { width: 1400, height: 900 },
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        // The draft the previous session left: the page opens straight into the 300-node workflow.
        await page.addInitScript((d) => {
          if (!sessionStorage.getItem('lvcd-studio:draft')) sessionStorage.setItem('lvcd-studio:draft', d);
        }, draft);
        await page.goto(server.url);
        await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
        const load = await page.evaluate(() => ({
          fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
          interactive: window.__lvcdReadyAt,
          nodes: document.querySelectorAll('[data-testid=node]').length,
        }));
        if (load.nodes !== document.nodes.length) throw new Error(`expected ${document.nodes.length} nodes on the canvas, found ${load.nodes}`);

        // Opening from the Workflows panel into an empty canvas: click to all nodes on screen.
        await page.evaluate(() => sessionStorage.clear());
        await page.keyboard.press('Control+a');
        await page.keyboard.press('Delete');
        await page.waitForFunction(() => document.querySelectorAll('[data-testid=node]').length === 0);
        await page.click('[data-testid=tab-workflows]');
        const button = page.locator('[data-testid=open-workflow]', { hasText: 'bench-300' });
        await button.waitFor();
        const t0 = await page.evaluate(() => performance.now());
        await button.click();
        await page.waitForFunction((n) => document.querySelectorAll('[data-testid=node]').length === n, document.nodes.length, { timeout: 120_000 });
        // One frame after the DOM holds every node: the browser has painted it.
        const open = await page.evaluate((start) => new Promise((r) => requestAnimationFrame(() => r(performance.now() - start))), t0);
        results.push({ fcp: load.fcp, interactive: load.interactive, open });
        console.log(`run ${run + 1}: first paint ${load.fcp.toFixed(0)} ms, interactive ${load.interactive.toFixed(0)} ms, open from panel ${open.toFixed(0)} ms`);
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    }
    console.log(
      `\n${document.nodes.length} nodes, ${document.links.length} links, median of ${RUNS}: ` +
        `first paint ${median(results.map((r) => r.fcp)).toFixed(0)} ms, ` +
        `interactive ${median(results.map((r) => r.interactive)).toFixed(0)} ms, ` +
        `open from the Workflows panel ${median(results.map((r) => r.open)).toFixed(0)} ms`,
    );
  } finally {
    server.stop();
  }
}

await main();
