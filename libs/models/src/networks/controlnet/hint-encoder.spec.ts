import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lvcdTinyFixturesDir } from '../../testing/fixture-paths.js';
import { SafetensorsFile } from '../../formats/index.js';
import { GraphBuilder, writeOnnxModel } from '../../onnx/index.js';
import { createSession, maxAbsDiff, runFloat } from '../../runtime/index.js';
import { onnxDenoiserNetwork, runDenoiserGraph, type DenoiserGraphCall } from '../../runtime/denoiser-session.js';
import { denoiserScalings } from '../../schedulers/denoiser.js';
import { goldenDenoiserCall } from '../../testing/golden-call.js';
import { networkConfigFromJson, WINDOW_FRAMES, type LvcdNetworkConfig } from '../unet/config.js';
import { referenceAttentionInputs, type ReferenceAttentionMode } from '../unet/reference-attention-inputs.js';
import { convertDenoiser, openLvcdWeights, type ConvertedDenoiser } from '../denoiser/convert-denoiser.js';
import { CONTROLNET_PREFIX, DENOISER_IO } from '../denoiser/denoiser-graph.js';
import { buildHintEncoder, HINT_ENCODER_IO } from './hint-encoder.js';

const fixtures = lvcdTinyFixturesDir();
const weightFiles = { svdPath: path.join(fixtures, 'svd-tiny.safetensors'), lvcdPath: path.join(fixtures, 'lvcd-tiny.ckpt') };
let dir: string;
let config: LvcdNetworkConfig;
let golden: SafetensorsFile;
let blocks: SafetensorsFile;
let base: Omit<DenoiserGraphCall, 'reference'>;
let sigma: number;
let inside: ConvertedDenoiser;
let sessions: { encoder: ort.InferenceSession; inside: ort.InferenceSession; separate: ort.InferenceSession };

async function encode(hint: Float32Array, frames = WINDOW_FRAMES): Promise<Float32Array> {
  const dims = [frames, 3, 8 * base.latentHeight, 8 * base.latentWidth];
  return (await runFloat(sessions.encoder, { [HINT_ENCODER_IO.input]: { data: hint, dims } }))[HINT_ENCODER_IO.output]!.data;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-hint-'));
  config = networkConfigFromJson(JSON.parse(await readFile(path.join(fixtures, 'tiny-config.json'), 'utf8')));
  golden = await SafetensorsFile.open(path.join(fixtures, 'golden-unet.safetensors'));
  blocks = await SafetensorsFile.open(path.join(fixtures, 'golden-unet-blocks.safetensors'));
  ({ call: base, sigma } = await goldenDenoiserCall());
  const weights = await openLvcdWeights(weightFiles.svdPath, weightFiles.lvcdPath);
  let encoderPath: string;
  try {
    const b = new GraphBuilder({ name: 'hint_encoder', weights });
    buildHintEncoder(b, CONTROLNET_PREFIX, config.controlnet.modelChannels);
    encoderPath = (await writeOnnxModel(b.finish(), { dir, fileName: 'hint_encoder.onnx', weights })).modelPath;
  } finally {
    await weights.close();
  }
  inside = await convertDenoiser({ ...weightFiles, outDir: dir, config, fileName: 'inside.onnx' });
  const separate = await convertDenoiser({ ...weightFiles, outDir: dir, config, fileName: 'separate.onnx', hintEncoder: 'separate' });
  const open = async (file: string) => (await createSession(file, { provider: 'cpu' })).session;
  sessions = { encoder: await open(encoderPath), inside: await open(inside.written.modelPath), separate: await open(separate.written.modelPath) };
});

afterAll(async () => {
  await Promise.all(Object.values(sessions ?? {}).map((s) => s.release()));
  await golden?.close();
  await blocks?.close();
  await rm(dir, { recursive: true, force: true });
});

const reference = (mode: ReferenceAttentionMode, step: number, prev: number) => referenceAttentionInputs(mode, step, prev, inside.graph.referenceLayers);

describe('the hint encoder as a graph of its own', () => {
  it('matches the golden input_hint_block output, and encodes each frame on its own (dynamic frame axis)', async () => {
    const features = await encode(base.hint!);
    const err = maxAbsDiff(features, await blocks.readFloat32('control.input_hint_block.out'));
    console.log(`input_hint_block: ${err.toExponential(3)}`);
    expect(err).toBeLessThanOrEqual(1e-5);
    const size = features.length / WINDOW_FRAMES;
    const sketch = base.hint!.length / WINDOW_FRAMES;
    const third = await encode(base.hint!.slice(2 * sketch, 3 * sketch), 1);
    expect(maxAbsDiff(third, features.subarray(2 * size, 3 * size))).toBeLessThanOrEqual(1e-6);
  });

  it.each([
    ['nohook', 'apply_model.nohook', 0, 0],
    ['normal', 'apply_model.normal', 0, 0],
    ['prevref', 'apply_model.prevref_step1', 1, 3],
    ['prevref', 'apply_model.prevref_step5', 5, 3],
  ] as const)('fed to the denoiser, mode %s matches %s with no larger an error than the one-graph form', async (mode, key, step, prev) => {
    const expected = await golden.readFloat32(key);
    const { hint, ...rest } = { ...base, reference: reference(mode, step, prev) };
    const { [DENOISER_IO.output]: one } = await runDenoiserGraph(sessions.inside, { ...rest, hint: hint! });
    const { [DENOISER_IO.output]: split } = await runDenoiserGraph(sessions.separate, { ...rest, hintFeatures: await encode(hint!) });
    const [oneErr, splitErr] = [maxAbsDiff(one!, expected), maxAbsDiff(split!, expected)];
    console.log(`${key}: one graph ${oneErr.toExponential(3)}, hint encoded apart ${splitErr.toExponential(3)}, between ${maxAbsDiff(one!, split!).toExponential(3)}`);
    expect(splitErr).toBeLessThanOrEqual(1e-4);
    // The same kernels on the same values: only where the graph is cut differs.
    expect(maxAbsDiff(one!, split!)).toBeLessThanOrEqual(1e-6);
  });

  it('as a sampler network, encodes a window\'s sketches once and again only when they change', async () => {
    const encoded: Float32Array[] = [];
    const network = onnxDenoiserNetwork({
      session: sessions.separate, latentHeight: base.latentHeight, latentWidth: base.latentWidth, context: base.context, vector: base.vector,
      referenceLayers: inside.graph.referenceLayers,
      encodeHint: async (hint) => (encoded.push(hint), encode(hint)),
    });
    const step = { input: base.input, cNoise: denoiserScalings(sigma).cNoise, hint: base.hint!, attention: 'prevref-late' as const };
    const first = await network.run(step);
    await network.run(step);
    expect(encoded).toHaveLength(1);
    expect(maxAbsDiff(first, await golden.readFloat32('apply_model.prevref_step5'))).toBeLessThanOrEqual(1e-4);
    // The next window: a new sketches array (the sampler builds one per window), even with equal values.
    await network.run({ ...step, hint: Float32Array.from(base.hint!) });
    expect(encoded).toHaveLength(2);
  });
});
