import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertDenoiser } from '../networks/denoiser/convert-denoiser.js';
import { DENOISER_IO } from '../networks/denoiser/denoiser-graph.js';
import { convertTinyBundle, lvcdTinyFixturesDir } from '../testing/index.js';
import { MANIFEST_FILE, validateManifest, type BundleManifest, type ModelRecord } from './bundle-manifest.js';
import { openLvcdBundle, readBundleManifest } from './bundle-networks.js';
import { maxAbsDiff } from './tensors.js';

const fixtures = lvcdTinyFixturesDir();
let dir: string;
const formats = { 1: '', 2: '' };

/**
 * A format 1 bundle, as converters before the hint encoder moved out wrote it: the same models, the denoiser
 * encoding the sketches itself, no hint_encoder.
 */
async function formatOne(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
  const manifest = await readBundleManifest(from);
  const { written, graph } = await convertDenoiser({
    svdPath: path.join(fixtures, 'svd-tiny.safetensors'), lvcdPath: path.join(fixtures, 'lvcd-tiny.ckpt'),
    outDir: to, config: manifest.config.denoiser, fileName: 'denoiser.onnx',
  });
  const records = (values: typeof graph.graph.inputs) => values.map((v) => ({ name: v.name, dtype: 'float32' as const, shape: v.dims, meaning: '' }));
  const denoiser: ModelRecord = {
    ...manifest.models.denoiser!, bytes: written.modelBytes, dataBytes: written.dataBytes, sha256: written.modelSha256, dataSha256: written.dataSha256,
    inputs: records(graph.graph.inputs), outputs: records(graph.graph.outputs),
  };
  const { hint_encoder: _dropped, ...models } = manifest.models;
  const old: BundleManifest = { ...manifest, formatVersion: 1, models: { ...models, denoiser } };
  await writeFile(path.join(to, MANIFEST_FILE), JSON.stringify(old));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-formats-'));
  formats[2] = path.join(dir, 'v2');
  formats[1] = path.join(dir, 'v1');
  await convertTinyBundle(formats[2], { frame: { height: 64, width: 128 } });
  await formatOne(formats[2], formats[1]);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bundle formats', () => {
  it('writes format 2: the hint encoder is its own model and the denoiser takes its features', async () => {
    const manifest = await readBundleManifest(formats[2]);
    expect(manifest.formatVersion).toBe(2);
    expect(manifest.models.hint_encoder!.outputs.map((t) => t.name)).toEqual(['hint_features']);
    expect(manifest.models.denoiser!.inputs.map((t) => t.name)).toContain(DENOISER_IO.hintFeatures);
    expect(manifest.models.denoiser!.inputs.map((t) => t.name)).not.toContain(DENOISER_IO.hint);
  });

  it('still opens and runs a format 1 bundle, whose denoiser encodes the sketches itself, with the same outputs', async () => {
    const old = JSON.parse(await readFile(path.join(formats[1], MANIFEST_FILE), 'utf8')) as unknown;
    expect(validateManifest(old)).toEqual([]);
    const step = {
      input: Float32Array.from({ length: 19 * 8 * 8 * 16 }, (_, i) => Math.sin(i)),
      cNoise: 0.4,
      hint: Float32Array.from({ length: 19 * 3 * 64 * 128 }, (_, i) => (i % 97 < 3 ? 0 : 1)),
      attention: 'normal' as const,
    };
    const context = Float32Array.from({ length: 64 }, (_, i) => Math.cos(i));
    const vector = new Float32Array(768).fill(0.1);
    const out: Float32Array[] = [];
    for (const version of [1, 2] as const) {
      const bundle = await openLvcdBundle(formats[version], 'cpu');
      try {
        out.push(await bundle.denoiser(context, vector, 8, 16).run(step));
        expect(Object.keys(bundle.providers).sort()).toEqual(version === 1 ? ['denoiser'] : ['denoiser', 'hint_encoder']);
      } finally {
        await bundle.release();
      }
    }
    expect(maxAbsDiff(out[0]!, out[1]!)).toBe(0);
  });
});
