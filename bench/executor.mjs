#!/usr/bin/env node
// Executor overhead: Load Image then 99 Invert Image then Save Image on a tiny image, with a fresh cache each
// round. Time inside nodes is measured around each node's own execute function, so what is left (planning,
// cache keys, cache folders and result files, events) is the executor's overhead.
// Usage: node bench/executor.mjs [rounds=5]   (build the libs first)
import { createRgbImage, encodePng } from '@lvcd/media';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, planRun } from '@lvcd/nodes';
import { builtinNodeTypes } from '@lvcd/nodes/catalogue';
import { AssetStore, NodeRegistry, OutputCache, executeWorkflow } from '@lvcd/nodes/runtime';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NODES = 100;
const rounds = Number(process.argv[2] ?? 5);
const dir = await mkdtemp(join(tmpdir(), 'lvcd-bench-exec-'));

let nodeMs = 0;
const timed = builtinNodeTypes.map((t) => ({
  ...t,
  async execute(ctx) {
    const start = performance.now();
    try {
      return await t.execute(ctx);
    } finally {
      nodeMs += performance.now() - start;
    }
  },
}));
const registry = new NodeRegistry(timed);
const assets = new AssetStore(join(dir, 'assets'));
await assets.init();
const { id } = await assets.put(await encodePng(createRgbImage(8, 8, 100)), 'tiny.png');

// 1 Load Image + 98 Invert Image + 1 Save Image = 100 executed nodes.
const nodes = [{ id: 'n0', type: 'image/load', params: { image: id }, position: { x: 0, y: 0 } }];
const links = [];
for (let i = 1; i < NODES; i++) {
  nodes.push({ id: `n${i}`, type: i === NODES - 1 ? 'image/save' : 'image/invert', params: {}, position: { x: i, y: 0 } });
  links.push({ from: { node: `n${i - 1}`, output: 'image' }, to: { node: `n${i}`, input: 'image' } });
}
const document = { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, nodes, links, meta: {} };

async function round(cache) {
  nodeMs = 0;
  let events = 0;
  const start = performance.now();
  // Planning (validation included) is counted as overhead, as the server plans every run it takes.
  const { plan, problems } = planRun(document, registry, { assetExists: (a) => assets.exists(a) });
  if (!plan) throw new Error(problems.map((p) => p.message).join('; '));
  const result = await executeWorkflow({ plan, signal: new AbortController().signal, onEvent: () => events++ }, { registry, cache, assets, modelsDir: dir });
  const total = performance.now() - start;
  if (result.status !== 'succeeded') throw new Error(`run ${result.status}: ${result.error?.message}`);
  return { total, inside: nodeMs, overhead: (total - nodeMs) / NODES, events };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cold = [];
const warm = [];
for (let r = 0; r < rounds; r++) {
  const cache = new OutputCache(join(dir, `cache-${r}`), 1 << 30);
  cold.push(await round(cache));
  warm.push(await round(cache)); // same cache: every node is a hit
}
await rm(dir, { recursive: true, force: true });

const fmt = (x) => x.toFixed(2).padStart(8);
for (const [name, rows] of [['cold (no cache)', cold], ['warm (all cached)', warm]]) {
  const total = median(rows.map((r) => r.total));
  const inside = median(rows.map((r) => r.inside));
  const overhead = median(rows.map((r) => r.overhead));
  console.log(`${name}: ${NODES} nodes, median of ${rounds} rounds`);
  console.log(`  total            ${fmt(total)} ms`);
  console.log(`  inside nodes     ${fmt(inside)} ms  (${((inside / total) * 100).toFixed(1)}% of total)`);
  console.log(`  overhead / node  ${fmt(overhead)} ms  (${((overhead * NODES / total) * 100).toFixed(1)}% of total)`);
}
console.log(`warm / cold total: ${(median(warm.map((r) => r.total)) / median(cold.map((r) => r.total))).toFixed(3)}`);
