import { FrameStoreWriter, psnr, resizeBicubic, ssim, type RgbImage } from '@lvcd/media';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifact, ExecuteContext } from '../../runtime/node-type.js';
import { framesValue, type FramesValue, type MetricsValue } from '../../runtime/values.js';
import { emptyWorkflow } from '../../workflow.js';
import { qualityMetrics } from './quality-metrics.js';

let dir: string;
let n = 0;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'lvcd-metrics-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function store(images: RgbImage[]): Promise<FramesValue> {
  const writer = await FrameStoreWriter.create(join(dir, `store-${n++}`), 12);
  for (const image of images) await writer.append(image);
  return framesValue(await writer.finish());
}

/** A 96x64 frame: a gradient shifted by `k`, so frames differ and resizing matters. */
function frame(k: number): RgbImage {
  const data = new Uint8Array(96 * 64 * 3);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 96; x++) data.set([(x * 2 + k * 9) % 256, (y * 3 + k * 5) % 256, ((x + y) * 4) % 256], (y * 96 + x) * 3);
  return { width: 96, height: 64, data };
}

async function measure(protocol: 'native' | 'paper', produced: RgbImage[], truth: RgbImage[]) {
  const outDir = join(dir, `out-${n++}`);
  await mkdir(outDir, { recursive: true });
  const artifacts: Artifact[] = [];
  const ctx: ExecuteContext = {
    nodeId: 'm', params: { name: 'metrics', protocol }, inputs: { frames: await store(produced), truth: await store(truth) }, outDir,
    signal: new AbortController().signal, progress: () => undefined, frame: () => undefined, artifact: (a) => artifacts.push(a),
    assets: { pathOf: (id) => id, info: (id) => ({ name: id, mime: 'application/octet-stream', size: 0 }) },
    modelsDir: dir, workflow: emptyWorkflow('test'),
  };
  const value = (await qualityMetrics.execute(ctx)).metrics as MetricsValue;
  const table = JSON.parse(await readFile(value.file, 'utf8')) as { protocol: { name: string }; frames: { index: number; psnr: number; ssim: number }[] };
  return { value, table, meta: artifacts[0]!.meta! };
}

describe('Quality Metrics protocols', () => {
  const truth = [0, 1, 2].map(frame);
  const produced = [truth[0]!, frame(4), frame(5)];

  it('paper: frame 0 left out, 256x256 bicubic, and the protocol named in the table and the artefact', async () => {
    const { value, table, meta } = await measure('paper', produced, truth);
    expect(table.protocol.name).toBe('paper');
    expect(meta.protocol).toBe('paper');
    expect(table.frames.map((r) => r.index)).toEqual([1, 2]);
    const r = (img: RgbImage) => resizeBicubic(img, 256, 256);
    for (const row of table.frames) {
      expect(row.psnr).toBeCloseTo(psnr(r(produced[row.index]!), r(truth[row.index]!)), 9);
      expect(row.ssim).toBeCloseTo(ssim(r(produced[row.index]!), r(truth[row.index]!)), 9);
    }
    expect(value.summary.frames).toBe(2);
  });

  it('native: every frame at its size, the identical frame 0 capped at 60 dB', async () => {
    const { table, meta } = await measure('native', produced, truth);
    expect(table.protocol.name).toBe('native');
    expect(meta.protocol).toBe('native');
    expect(table.frames.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(table.frames[0]!.psnr).toBe(60);
    expect(table.frames[1]!.psnr).toBeCloseTo(psnr(produced[1]!, truth[1]!), 9);
  });
});
