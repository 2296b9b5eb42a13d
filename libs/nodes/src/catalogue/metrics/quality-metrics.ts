import { defineNode } from '../../runtime/define-node.js';
import { METRIC_PROTOCOLS, ProtocolMetrics, protocolDescriptions, readFrames } from '@lvcd/media';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeError, throwIfCancelled } from '../../runtime/node-type.js';
import type { MetricsValue } from '../../runtime/values.js';

export const qualityMetrics = defineNode({
  type: 'metrics/quality',
  title: 'Quality Metrics',
  category: 'metrics',
  description:
    'Produced frames against ground truth: PSNR per frame (dB over RGB, identical frames capped at 60), SSIM per frame (standard: 11x11 Gaussian window, sigma 1.5, on BT.601 luma) and flicker (mean |change of output - change of truth| in luma between consecutive frames; lower is steadier). Protocol `native` scores every frame at its size, frame 0 included; `paper` is the LVCD paper protocol: both images resized bicubic to 256x256 and frame 0 (the reference, which Copy Reference gets for free) excluded. The table names the protocol used.',
  version: 2,
  roles: ['metrics'],
  isOutput: true,
  inputs: [
    { name: 'frames', type: 'FRAMES', label: 'Produced' },
    { name: 'truth', type: 'FRAMES', label: 'Ground truth' },
  ],
  outputs: [{ name: 'metrics', type: 'METRICS' }],
  params: [
    { name: 'name', label: 'File name', description: 'Base name of the metrics artefacts (NAME.json with the summary, NAME.csv with one row per frame), without the extension.', schema: { kind: 'string', default: 'metrics', maxLength: 80 } },
    { name: 'protocol', label: 'Protocol', description: "native: every frame at its size, frame 0 included. paper: 256x256 bicubic, frame 0 excluded (the LVCD paper's numbers).", schema: { kind: 'enum', options: METRIC_PROTOCOLS, default: 'native' } },
  ],
  async execute(ctx) {
    const produced = ctx.inputs.frames;
    const truth = ctx.inputs.truth;
    if (produced.width !== truth.width || produced.height !== truth.height) {
      throw new NodeError(`produced frames are ${produced.width}x${produced.height} but the truth is ${truth.width}x${truth.height}; resize both to one size`, 'truth');
    }
    const count = Math.min(produced.count, truth.count);
    const protocol = ctx.params.protocol;
    const metrics = new ProtocolMetrics(protocol);
    let seen = 0;
    const truthFrames = readFrames(truth, 0, count);
    for await (const { image } of readFrames(produced, 0, count)) {
      throwIfCancelled(ctx.signal);
      const next = await truthFrames.next();
      if (next.done) break;
      metrics.add(image, next.value.image);
      ctx.progress(++seen, count);
    }
    const summary = { ...metrics.summary(), producedFrames: produced.count, truthFrames: truth.count };
    const base = String(ctx.params.name).replace(/[^\w.-]+/g, '_') || 'metrics';
    const file = join(ctx.outDir, `${base}.json`);
    const table = {
      protocol: { name: protocol, description: protocolDescriptions[protocol] },
      metrics: { psnr: 'dB, RGB, capped at 60', ssim: 'luma BT.601, Gaussian 11x11 sigma 1.5', flicker: 'mean abs luma difference of temporal change vs truth (0-255)' },
      summary,
      frames: metrics.rows,
    };
    await writeFile(file, JSON.stringify(table, null, 1));
    const csv = join(ctx.outDir, `${base}.csv`);
    await writeFile(csv, ['frame,psnr,ssim,flicker', ...metrics.rows.map((r) => `${r.index},${r.psnr.toFixed(4)},${r.ssim.toFixed(6)},${r.flicker?.toFixed(4) ?? ''}`)].join('\n') + '\n');
    ctx.artifact({ file, name: `${base}.json`, mime: 'application/json', kind: 'json', meta: { ...summary, protocol } });
    ctx.artifact({ file: csv, name: `${base}.csv`, mime: 'text/csv', kind: 'csv' });
    const value: MetricsValue = { kind: 'metrics', file, summary };
    return { metrics: value };
  },
});
