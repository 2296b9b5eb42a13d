import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { architectureFromConfigJson } from '../../convert/architecture-json.js';
import { convertBundle } from '../../convert/convert-bundle.js';
import { lvcdTinyFixturesDir } from '../../testing/fixture-paths.js';
import { loadGoldens, type GoldenTensor } from '../../testing/golden.js';
import { maxAbsDiff } from '../../runtime/tensors.js';
import { openLvcdBundle, type LvcdBundle } from '../../runtime/bundle-networks.js';
import { DEFAULT_COLORIZE, colorizeClip } from './pipeline.js';

const fixtures = lvcdTinyFixturesDir();
/** The spec's tolerance for the whole long-video procedure. */
const TOLERANCE = 1e-3;
let dir: string;
let bundle: LvcdBundle;
let golden: Record<string, GoldenTensor>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-pipeline-'));
  const architecture = architectureFromConfigJson(JSON.parse(await readFile(path.join(fixtures, 'tiny-config.json'), 'utf8')));
  await convertBundle({
    svd: path.join(fixtures, 'svd-tiny.safetensors'),
    lvcd: path.join(fixtures, 'lvcd-tiny.ckpt'),
    outDir: dir,
    frame: { height: 64, width: 128 },
    ...architecture,
  });
  bundle = await openLvcdBundle(dir, 'cpu');
  golden = await loadGoldens(path.join(fixtures, 'golden-sample.safetensors'));
});

afterAll(async () => {
  await bundle?.release();
  await rm(dir, { recursive: true, force: true });
});

const frameOf = (t: GoldenTensor, i: number) => {
  const size = t.data.length / t.dims[0]!;
  return t.data.subarray(i * size, (i + 1) * size);
};

describe('LVCD pipeline on the tiny bundle', () => {
  it('matches golden-sample latents and frames (39 frames, 3 windows, recorded x_T and posterior noise)', async () => {
    const latents: Float32Array[] = [];
    const frames: Float32Array[] = [];
    const progress: number[] = [];
    const result = await colorizeClip({
      networks: bundle,
      reference: golden['reference_image']!.data,
      height: 64,
      width: 128,
      frameCount: golden['sketches']!.dims[0]!,
      hint: async (f) => frameOf(golden['sketches']!, f),
      options: {
        ...DEFAULT_COLORIZE,
        numSteps: Number(golden['params.num_steps']!.data[0]),
        prevAttnSteps: Number(golden['params.prev_attn_steps']!.data[0]),
      },
      noise: { xT: golden['x_T']!.data, posteriorEps: golden['vae_eps']!.data },
      onProgress: (p) => progress.push(p.window * p.steps + p.step),
      onLatent: (i, latent) => void (latents[i] = latent),
      onFrame: (i, frame) => void (frames[i] = frame),
    });
    expect(result).toEqual({ windows: 3, outputFrames: 35 });
    expect(progress).toEqual(Array.from({ length: 18 }, (_, i) => i));
    const latentErr = Math.max(...latents.map((l, i) => maxAbsDiff(l, frameOf(golden['latents']!, i))));
    const frameErr = Math.max(...frames.map((f, i) => maxAbsDiff(f, frameOf(golden['frames']!, i))));
    console.log(`golden-sample max abs error: latents ${latentErr.toExponential(2)}, frames ${frameErr.toExponential(2)}`);
    expect(latents).toHaveLength(35);
    expect(frames).toHaveLength(35);
    expect(latentErr).toBeLessThanOrEqual(TOLERANCE);
    expect(frameErr).toBeLessThanOrEqual(TOLERANCE);
  });

  it('refuses frames of another size than the bundle was built for, saying how to fix it', async () => {
    await expect(bundle.embedReference(new Float32Array(3 * 320 * 576), 320, 576)).rejects.toThrow(/resize the clip to 128x64/);
  });
});
