import { architectureFromConfigJson, bundleContentHash, convertBundle, type BundleManifest } from '@lvcd/models';
import { lvcdTinyFixturesDir } from '@lvcd/models/testing';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, removeDir, startTestServer, tempDir, type TestServer } from './support/server.js';

let dir: string;
let server: TestServer;
const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

beforeAll(async () => {
  dir = await tempDir();
  const models = join(dir, 'models');
  const fixtures = lvcdTinyFixturesDir();
  await convertBundle({
    svd: join(fixtures, 'svd-tiny.safetensors'),
    lvcd: join(fixtures, 'lvcd-tiny.ckpt'),
    outDir: join(models, 'tiny'),
    frame: { height: 64, width: 128 },
    ...architectureFromConfigJson(JSON.parse(await readFile(join(fixtures, 'tiny-config.json'), 'utf8'))),
  });
  // A folder that is not a bundle is left out; one with a broken manifest is named with its problem.
  await mkdir(join(models, 'notes'), { recursive: true });
  await mkdir(join(models, 'broken'), { recursive: true });
  await writeFile(join(models, 'broken', 'manifest.json'), '{"format": "lvcd-model-bundle"}');
  server = await startTestServer(join(dir, 'data'), { LVCD_MODELS_DIR: models });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await removeDir(dir);
});

describe('GET /api/reproducibility', () => {
  it('answers the ONNX Runtime version, each bundle by its manifest content hash, and the node versions', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'models', 'tiny', 'manifest.json'), 'utf8')) as BundleManifest;
    const res = await api(server, 'GET', '/api/reproducibility');
    expect(res.status).toBe(200);
    expect(res.body.onnxRuntime).toBe(ortVersion);
    expect(Object.keys(res.body.bundles).sort()).toEqual(['broken', 'tiny']);
    expect(res.body.bundles.tiny).toEqual({ contentHash: bundleContentHash(manifest), converter: manifest.converter, precision: 'fp32' });
    expect(res.body.bundles.broken.problem).toMatch(/damaged/);
    expect(res.body.nodeVersions).toMatchObject({ 'lvcd/colorize': 2, 'image/load': expect.any(Number) });
  });
});
