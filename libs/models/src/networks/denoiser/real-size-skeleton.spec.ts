import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lvcdTinyFixturesDir } from '../../testing/fixture-paths.js';
import { OverlayWeightSource, ShapeOnlyWeightSource } from '../../formats/index.js';
import { LVCD_REAL_CONFIG } from '../unet/config.js';
import { CONTROLNET_PREFIX, DENOISER_IO, UNET_PREFIX, buildDenoiserGraph } from './denoiser-graph.js';

// The real-size mapping, checked against the key listings of the REAL svd.safetensors and lvcd.ckpt
// (names and shapes, no weights): every UNet and ControlNet key must be consumed, nothing else.
const fixtures = lvcdTinyFixturesDir();
let weights: OverlayWeightSource;
let expected: Set<string>;

beforeAll(async () => {
  const svd = await ShapeOnlyWeightSource.fromListingFile(path.join(fixtures, 'keys-real-svd.tsv'));
  const lvcd = await ShapeOnlyWeightSource.fromListingFile(path.join(fixtures, 'keys-real-lvcd-ckpt.tsv'));
  weights = new OverlayWeightSource(svd, lvcd);
  expected = new Set([...svd.keys().filter((k) => k.startsWith(`${UNET_PREFIX}.`)), ...lvcd.keys()]);
});

const params = (keys: Iterable<string>) => [...keys].reduce((sum, k) => sum + weights.info(k)!.shape.reduce((a, b) => a * b, 1), 0);

describe('real-size LVCD denoiser skeleton', () => {
  it('consumes exactly the UNet keys of svd.safetensors and every key of lvcd.ckpt', () => {
    const { graph, referenceLayers } = buildDenoiserGraph({ weights, config: LVCD_REAL_CONFIG, precision: 'fp16' });
    expect(expected.size).toBe(1428 + 671);
    expect([...expected].filter((k) => !graph.consumedKeys.has(k))).toEqual([]);
    expect([...graph.consumedKeys].filter((k) => !expected.has(k))).toEqual([]);
    expect(referenceLayers).toEqual({ controlLayers: 7, unetLayers: 16 });
    // lvcd-reference.md §6.10: UNet 1 524 623 082 + ControlNet 682 021 537 parameters.
    expect(params(graph.consumedKeys)).toBe(1_524_623_082 + 682_021_537);
    const input = (name: string) => graph.inputs.find((i) => i.name === name)?.dims;
    expect(input(DENOISER_IO.input)).toEqual([19, 8, 'height', 'width']);
    expect(input(DENOISER_IO.context)).toEqual([19, 1, 1024]);
    expect(input(DENOISER_IO.biasLayers)).toEqual([23]);
    expect(graph.outputs.map((o) => o.dims)).toEqual([[19, 4, 'height', 'width']]);
  });

  it('the two-graph form splits the keys by network and passes 13 residuals', () => {
    const cnet = buildDenoiserGraph({ weights, config: LVCD_REAL_CONFIG, part: 'controlnet' }).graph;
    const unet = buildDenoiserGraph({ weights, config: LVCD_REAL_CONFIG, part: 'unet' }).graph;
    expect([...cnet.consumedKeys].every((k) => k.startsWith(`${CONTROLNET_PREFIX}.`))).toBe(true);
    expect([...unet.consumedKeys].every((k) => k.startsWith(`${UNET_PREFIX}.`))).toBe(true);
    expect(cnet.consumedKeys.size + unet.consumedKeys.size).toBe(expected.size);
    expect(cnet.outputs.map((o) => o.dims[1])).toEqual([320, 320, 320, 320, 640, 640, 640, 1280, 1280, 1280, 1280, 1280, 1280]);
    expect(unet.inputs.filter((i) => i.name.startsWith('control_')).map((i) => i.dims[1])).toEqual(cnet.outputs.map((o) => o.dims[1]));
  });
});
