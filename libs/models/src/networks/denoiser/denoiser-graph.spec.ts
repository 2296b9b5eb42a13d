import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lvcdTinyFixturesDir } from '../../testing/fixture-paths.js';
import { SafetensorsFile } from '../../formats/index.js';
import { createSession, maxAbsDiff } from '../../runtime/index.js';
import { networkConfigFromJson, WINDOW_FRAMES, type LvcdNetworkConfig } from '../unet/config.js';
import { compareDenoiserBlocks } from '../../testing/block-check.js';
import { convertDenoiser, type ConvertedDenoiser } from './convert-denoiser.js';
import { DENOISER_IO } from './denoiser-graph.js';
import { onnxDenoiserNetwork, runDenoiserGraph, type DenoiserGraphCall } from '../../runtime/denoiser-session.js';
import { applyDenoiserScaling, denoiserScalings } from '../../schedulers/denoiser.js';
import { goldenDenoiserCall } from '../../testing/golden-call.js';
import { referenceAttentionInputs, type ReferenceAttentionMode } from '../unet/reference-attention-inputs.js';

const TOLERANCE = 1e-4;
const fixtures = lvcdTinyFixturesDir();

let dir: string;
let config: LvcdNetworkConfig;
let golden: SafetensorsFile;
let blocks: SafetensorsFile;
let x: Float32Array;
let sigma: number;
let base: Omit<DenoiserGraphCall, 'reference'>;
let converted: ConvertedDenoiser;
let session: ort.InferenceSession;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-unet-'));
  config = networkConfigFromJson(JSON.parse(await readFile(path.join(fixtures, 'tiny-config.json'), 'utf8')));
  golden = await SafetensorsFile.open(path.join(fixtures, 'golden-unet.safetensors'));
  blocks = await SafetensorsFile.open(path.join(fixtures, 'golden-unet-blocks.safetensors'));
  ({ call: base, x, sigma } = await goldenDenoiserCall());
  converted = await convertDenoiser({
    svdPath: path.join(fixtures, 'svd-tiny.safetensors'),
    lvcdPath: path.join(fixtures, 'lvcd-tiny.ckpt'),
    outDir: dir, config, debugOutputs: true, fileName: 'denoiser-debug.onnx',
  });
  session = (await createSession(converted.written.modelPath, { provider: 'cpu' })).session;
});

afterAll(async () => {
  await session?.release();
  await golden?.close();
  await blocks?.close();
  await rm(dir, { recursive: true, force: true });
});

const call = (mode: ReferenceAttentionMode, step: number, prevAttnSteps: number): DenoiserGraphCall => ({
  ...base, reference: referenceAttentionInputs(mode, step, prevAttnSteps, converted.graph.referenceLayers),
});

describe('LVCD denoiser graph on the tiny fixtures', () => {
  it('feeds the golden block inputs: cat[c_in x, concat] and the sketches', async () => {
    expect(maxAbsDiff(base.input, await blocks.readFloat32('unet.input_blocks.0.in'))).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDiff(base.hint!, await blocks.readFloat32('control.input_hint_block.in'))).toBeLessThanOrEqual(TOLERANCE);
  });

  it('matches golden-unet-blocks block by block (un-hooked form), first divergence named', async () => {
    const result = await compareDenoiserBlocks(session, call('nohook', 0, 0), converted.graph.debugOutputs, blocks, TOLERANCE);
    expect(result.errors.length).toBeGreaterThan(50);
    console.log(`${result.errors.length} blocks compared; largest error ${result.worst?.maxAbsError.toExponential(2)} at ${result.worst?.block}`);
    expect(result.firstDiverging).toBeUndefined();
  });

  it.each([
    ['nohook', 'apply_model.nohook', 0, 0],
    ['normal', 'apply_model.normal', 0, 0],
    ['prevref', 'apply_model.prevref_step1', 1, 3],
    ['prevref', 'apply_model.prevref_step5', 5, 3],
  ] as const)('mode %s matches %s within 1e-4', async (mode, key, step, prev) => {
    const { [DENOISER_IO.output]: out } = await runDenoiserGraph(session, call(mode, step, prev));
    const err = maxAbsDiff(out!, await golden.readFloat32(key));
    console.log(`${key}: ${err.toExponential(3)}`);
    expect(err).toBeLessThanOrEqual(TOLERANCE);
  });

  it('as a sampler network, phase prevref-late gives apply_model.prevref_step5', async () => {
    const network = onnxDenoiserNetwork({ session, latentHeight: base.latentHeight, latentWidth: base.latentWidth, context: base.context, vector: base.vector });
    const out = await network.run({ input: base.input, cNoise: denoiserScalings(sigma).cNoise, hint: base.hint!, attention: 'prevref-late' });
    expect(maxAbsDiff(out, await golden.readFloat32('apply_model.prevref_step5'))).toBeLessThanOrEqual(TOLERANCE);
  });

  it('takes other latent sizes (dynamic height and width)', async () => {
    const [h, w] = [16, 8];
    const sized: DenoiserGraphCall = {
      ...call('prevref', 0, 25),
      latentHeight: h,
      latentWidth: w,
      input: Float32Array.from({ length: WINDOW_FRAMES * 8 * h * w }, (_, i) => Math.sin(i)),
      hint: Float32Array.from({ length: WINDOW_FRAMES * 3 * 64 * h * w }, (_, i) => Math.cos(i) * 0.5 + 0.5),
    };
    const { [DENOISER_IO.output]: out } = await runDenoiserGraph(session, sized);
    expect(out).toHaveLength(WINDOW_FRAMES * 4 * h * w);
    expect(out!.every(Number.isFinite)).toBe(true);
  });

  it('with the host-side EDM scaling matches denoiser.normal within 1e-4', async () => {
    const { [DENOISER_IO.output]: out } = await runDenoiserGraph(session, call('normal', 0, 0));
    const err = maxAbsDiff(applyDenoiserScaling(x, out!, sigma), await golden.readFloat32('denoiser.normal'));
    console.log(`denoiser.normal: ${err.toExponential(3)}`);
    expect(err).toBeLessThanOrEqual(TOLERANCE);
  });
});
