import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lvcdTinyFixturesDir } from '../../testing/fixture-paths.js';
import { OverlayWeightSource, SafetensorsFile, openWeightFile, type WeightSource } from '../../formats/index.js';
import { writeOnnxModel } from '../../onnx/index.js';
import { createSession } from '../../runtime/index.js';
import { compareDenoiserBlocks } from '../../testing/block-check.js';
import { networkConfigFromJson } from '../unet/config.js';
import { buildDenoiserGraph } from './denoiser-graph.js';
import { goldenDenoiserCall } from '../../testing/golden-call.js';
import { referenceAttentionInputs } from '../unet/reference-attention-inputs.js';

// The block check must point at the right place. Layering the files the wrong way round (svd over
// lvcd.ckpt) leaves the UNet's fine-tuned attentions at their SVD values while the ControlNet (only in
// lvcd.ckpt) is unaffected: the first diverging block must be the UNet's first transformer block.
const fixtures = lvcdTinyFixturesDir();
let dir: string;
let svd: WeightSource;
let lvcd: WeightSource;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-unet-loc-'));
  svd = await openWeightFile(path.join(fixtures, 'svd-tiny.safetensors'));
  lvcd = await openWeightFile(path.join(fixtures, 'lvcd-tiny.ckpt'));
});
afterAll(async () => {
  await Promise.all([svd?.close(), lvcd?.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('block-by-block localisation', () => {
  it('names unet.input_blocks.1 when the lvcd.ckpt override is lost', async () => {
    const config = networkConfigFromJson(JSON.parse(await readFile(path.join(fixtures, 'tiny-config.json'), 'utf8')));
    const wrong = new OverlayWeightSource(lvcd, svd);
    const built = buildDenoiserGraph({ weights: wrong, config, debugOutputs: true });
    const written = await writeOnnxModel(built.graph, { dir, fileName: 'wrong-order.onnx', weights: wrong });
    const session = (await createSession(written.modelPath, { provider: 'cpu' })).session;
    const blocks = await SafetensorsFile.open(path.join(fixtures, 'golden-unet-blocks.safetensors'));
    try {
      const { call } = await goldenDenoiserCall();
      const result = await compareDenoiserBlocks(session, { ...call, reference: referenceAttentionInputs('nohook', 0, 0) }, built.debugOutputs, blocks, 1e-4);
      expect(result.firstDiverging?.block).toBe('unet.input_blocks.1.out');
      expect(result.firstDiverging!.maxAbsError).toBeGreaterThan(1e-2);
      expect(result.errors.filter((e) => e.block.startsWith('control.')).every((e) => e.maxAbsError <= 1e-4)).toBe(true);
    } finally {
      await session.release();
      await blocks.close();
    }
  });
});
