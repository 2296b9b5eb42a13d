import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, maxAbsDiff, runFloat } from '../runtime/index.js';
import { OverlayWeightSource, ShapeOnlyWeightSource, openWeightFile } from '../formats/index.js';
import { GraphBuilder, MS_DOMAIN, writeOnnxModel } from '../onnx/index.js';
import { buildClipPreprocess } from '../networks/clip/index.js';
import { loadGoldens, lvcdTinyFixturesDir, type GoldenTensor } from '../testing/index.js';
import {
  architectureFromConfigJson, checkBundle, convertBundle, inferArchitecture, planBundleGraphs,
  type ConversionProgress, type ConvertBundleResult,
} from './index.js';

const fixtures = lvcdTinyFixturesDir();
const golden = (name: string) => loadGoldens(path.join(fixtures, `golden-${name}.safetensors`));
const TOLERANCE = 1e-4;
let dir: string;
let bundle: ConvertBundleResult;
const progress: ConversionProgress[] = [];
const errors: Record<string, number> = {};

async function tinyArchitecture() {
  return architectureFromConfigJson(JSON.parse(await readFile(path.join(fixtures, 'tiny-config.json'), 'utf8')));
}

async function run(model: string, inputs: Record<string, GoldenTensor>) {
  const { session } = await createSession(path.join(dir, 'bundle', model), { provider: 'cpu' });
  try {
    return await runFloat(session, inputs);
  } finally {
    await session.release();
  }
}

function expectClose(what: string, actual: { data: Float32Array; dims: readonly number[] }, expected: GoldenTensor, tolerance = TOLERANCE) {
  expect(actual.dims, what).toEqual(expected.dims);
  const err = maxAbsDiff(actual.data, expected.data);
  errors[what] = err;
  expect(err, `${what} max abs error`).toBeLessThanOrEqual(tolerance);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-bundle-'));
  bundle = await convertBundle({
    svd: path.join(fixtures, 'svd-tiny.safetensors'),
    lvcd: path.join(fixtures, 'lvcd-tiny.ckpt'),
    lineart: path.join(fixtures, 'sk-tiny.pth'),
    outDir: path.join(dir, 'bundle'),
    ...(await tinyArchitecture()),
  }, (p) => progress.push(p));
});
afterAll(async () => {
  console.log('max abs errors vs goldens:', JSON.stringify(errors, null, 1));
  await rm(dir, { recursive: true, force: true });
});

describe('convertBundle on the tiny fixtures', () => {
  it('lineart matches golden-lineart', async () => {
    const g = await golden('lineart');
    const { line } = await run('lineart.onnx', { img: g['input']! });
    expectClose('lineart.output', line!, g['output']!);
  });

  it('VAE encoder matches golden-vae posterior, and the host-side sample matches encode_output', async () => {
    const g = await golden('vae');
    const { mean, logvar } = await run('vae_encoder.onnx', { img: g['encode_input']! });
    expectClose('vae.encode_mean', mean!, g['encode_mean']!);
    expectClose('vae.encode_logvar', logvar!, g['encode_logvar']!);
    const eps = g['encode_eps']!.data;
    const sample = mean!.data.map((m, i) => bundle.manifest.config.scaleFactor * (m + Math.exp(logvar!.data[i]! / 2) * eps[i]!));
    expectClose('vae.encode_output', { data: sample, dims: mean!.dims }, g['encode_output']!);
  });

  it('temporal VAE decoder matches golden-vae on a 10-frame chunk', async () => {
    const g = await golden('vae');
    const input = g['decode_input']!;
    const z = { data: input.data.map((v) => v / bundle.manifest.config.scaleFactor), dims: input.dims };
    const { pixels } = await run('vae_decoder.onnx', { z });
    expectClose('vae.decode_output', pixels!, g['decode_output']!);
  });

  it("conditioner encoder matches every frame of golden-cond's c.concat", async () => {
    const g = await golden('cond');
    const { latent } = await run('cond_encoder.onnx', { img: g['input_image']! });
    // c.concat is the one reference latent repeated for each of the 19 frames.
    const concat = g['c.concat']!;
    const frames = concat.dims[0]!;
    const repeated = new Float32Array(concat.data.length);
    for (let f = 0; f < frames; f++) repeated.set(latent!.data, f * latent!.data.length);
    expectClose('cond.c.concat', { data: repeated, dims: [frames, ...latent!.dims.slice(1)] }, concat);
  });

  it('CLIP image embedder matches golden-clip-320x576 (pins the antialias blur)', async () => {
    const g = await golden('clip-320x576');
    const { embedding } = await run('clip_visual.onnx', { img: g['input']! });
    expectClose('clip-320x576.output', embedding!, g['output']!);
  });

  it.each([['clip', 64, 128], ['clip-320x576', 320, 576]] as const)('CLIP preprocessing alone matches %s preprocessed', async (name, height, width) => {
    const g = await golden(name);
    const b = new GraphBuilder({ name: 'clip_preprocess', weights: new ShapeOnlyWeightSource('none', new Map()) });
    buildClipPreprocess(b, { height, width }, 224);
    const file = `clip_preprocess_${height}x${width}.onnx`;
    await writeOnnxModel(b.finish(), { dir: path.join(dir, 'bundle'), fileName: file, weights: b.weights });
    const { pixels } = await run(file, { img: g['input']! });
    expectClose(`${name}.preprocessed`, pixels!, g['preprocessed']!);
  });

  it('CLIP image embedder built for 64x128 frames matches golden-clip', async () => {
    const g = await golden('clip');
    const source = await openWeightFile(path.join(fixtures, 'svd-tiny.safetensors'));
    try {
      const config = inferArchitecture(source, undefined, { frame: { height: 64, width: 128 }, ...(await tinyArchitecture()) });
      const plan = planBundleGraphs(source, undefined, config).find((p) => p.id === 'clip_visual')!;
      await writeOnnxModel(plan.buildGraph('fp32'), { dir: path.join(dir, 'bundle'), fileName: 'clip_64x128.onnx', weights: source });
    } finally {
      await source.close();
    }
    const { embedding } = await run('clip_64x128.onnx', { img: g['input']! });
    expectClose('clip.output', embedding!, g['output']!);
  });

  it("builds every attention as MultiHeadAttention by default, and none with attention 'plain'", async () => {
    const svd = await openWeightFile(path.join(fixtures, 'svd-tiny.safetensors'));
    const lvcd = await openWeightFile(path.join(fixtures, 'lvcd-tiny.ckpt'));
    try {
      const main = new OverlayWeightSource(svd, lvcd);
      const config = inferArchitecture(main, undefined, await tinyArchitecture());
      const contribOps = (attention: 'fused' | 'plain') => Object.fromEntries(planBundleGraphs(main, undefined, config, { attention }).map((plan) =>
        [plan.id, plan.buildGraph('fp32').nodes.filter((n) => n.opType === 'MultiHeadAttention' && n.domain === MS_DOMAIN).length]));
      // One VAE mid-block attention per encoder/decoder, CLIP's tower depth, 23 reference + 23 temporal in the denoiser.
      expect(contribOps('fused')).toMatchObject({ vae_encoder: 1, vae_decoder: 1, cond_encoder: 1, denoiser: 46 });
      expect(contribOps('fused')['clip_visual']).toBeGreaterThan(0);
      expect(Object.values(contribOps('plain')).every((n) => n === 0)).toBe(true);
    } finally {
      await Promise.all([svd.close(), lvcd.close()]);
    }
  });

  it('reports progress by bytes, from hashing through every model to done', () => {
    expect(progress[0]!.stage).toBe('hashing');
    expect(progress.at(-1)).toMatchObject({ stage: 'done', fraction: 1 });
    expect(new Set(progress.map((p) => p.model).filter(Boolean))).toEqual(new Set(Object.keys(bundle.manifest.models)));
    progress.slice(1).forEach((p, i) => expect(p.fraction).toBeGreaterThanOrEqual(progress[i]!.fraction));
  });

  it('stops when its AbortSignal fires', async () => {
    const controller = new AbortController();
    const run = convertBundle({
      svd: path.join(fixtures, 'svd-tiny.safetensors'), lvcd: path.join(fixtures, 'lvcd-tiny.ckpt'),
      outDir: path.join(dir, 'aborted'), ...(await tinyArchitecture()),
    }, (p) => p.stage === 'converting' && controller.abort(), controller.signal);
    await expect(run).rejects.toThrow(/abort/i);
  });

  it('writes a manifest that checkBundle accepts, and checkBundle catches tampering', async () => {
    const m = bundle.manifest;
    expect(Object.keys(m.models).sort()).toEqual(['clip_visual', 'cond_encoder', 'denoiser', 'hint_encoder', 'lineart', 'vae_decoder', 'vae_encoder']);
    expect(m.sources.svd.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.config.vaeEncoder).toEqual({ ch: 32, chMult: [1, 1, 2, 2], numResBlocks: 2, zChannels: 4 });
    expect(m.config.clip).toMatchObject({ width: 64, layers: 2, heads: 4, patchSize: 14, imageSize: 224, embedDim: 64 });
    expect(m.models.vae_decoder!.inputs[0]!.shape).toEqual(['frames', 4, 'latent_height', 'latent_width']);
    const good = await checkBundle(path.join(dir, 'bundle'));
    expect(good.problems).toEqual([]);
    expect(good.loaded.map((l) => l.provider)).toEqual(Object.keys(m.models).map(() => 'cpu'));

    const dataFile = path.join(dir, 'bundle', m.models.lineart!.dataFile);
    const bytes = await readFile(dataFile);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(dataFile, bytes);
    const bad = await checkBundle(path.join(dir, 'bundle'), { skipLoad: true });
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual(['lineart: lineart.onnx.data does not match its sha256']);
  });
});

describe('convertBundle with fp16 weights', () => {
  it('halves the weight files and stays close to the goldens (fp16 rounding only)', async () => {
    const out = path.join(dir, 'bundle-fp16');
    const fp16 = await convertBundle({
      svd: path.join(fixtures, 'svd-tiny.safetensors'), lvcd: path.join(fixtures, 'lvcd-tiny.ckpt'),
      lineart: path.join(fixtures, 'sk-tiny.pth'), outDir: out, fp16: true, ...(await tinyArchitecture()),
    });
    expect(fp16.manifest.precision).toBe('fp16');
    for (const [id, model] of Object.entries(fp16.manifest.models)) {
      const full = bundle.manifest.models[id as keyof typeof bundle.manifest.models]!;
      expect(model!.dataBytes, id).toBeLessThan(full.dataBytes * 0.52);
    }
    const g = await golden('vae');
    const { session } = await createSession(path.join(out, 'vae_encoder.onnx'), { provider: 'cpu' });
    const { mean } = await runFloat(session, { img: g['encode_input']! });
    await session.release();
    // fp16 weights carry ~5e-4 relative rounding each; through the whole encoder the mean moves by a few 1e-3.
    expectClose('fp16 vae.encode_mean', mean!, g['encode_mean']!, 2e-2);
    expect((await checkBundle(out)).problems).toEqual([]);
  });
});
