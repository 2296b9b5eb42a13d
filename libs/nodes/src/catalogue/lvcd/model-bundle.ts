import { bundleContentHash, readBundleManifest, type BundleManifest } from '@lvcd/models';
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { RecordedBundle } from '../../run-record.js';
import { defineNode } from '../../runtime/define-node.js';
import { NodeError } from '../../runtime/node-type.js';
import type { ModelBundleValue } from '../../runtime/values.js';

/** A bundle is named by its folder inside the models dir: a plain name, never a path. */
const BUNDLE_NAME = /^[\w][\w.-]{0,99}$/;

export const modelBundle = defineNode({
  type: 'lvcd/model-bundle',
  title: 'LVCD Model Bundle',
  category: 'lvcd',
  description: 'A converted LVCD model bundle from the models folder (made with `lvcd convert`), and where it runs.',
  version: 1,
  roles: ['model-loader'],
  inputs: [],
  outputs: [{ name: 'models', type: 'LVCD_MODELS' }],
  params: [
    { name: 'bundle', label: 'Bundle folder', description: 'Folder name inside the models dir.', schema: { kind: 'string', default: 'lvcd', maxLength: 100 } },
    { name: 'provider', label: 'Run on', description: 'auto takes CUDA when its provider loads, else the CPU.', schema: { kind: 'enum', default: 'auto', options: ['auto', 'cuda', 'cpu'] } },
  ],
  // The folder name alone does not say which weights are in it: a re-conversion into the same folder must not
  // be answered from the cache, so the manifest's hashes are part of the key of this node and of all below it.
  async fingerprint(ctx) {
    const { manifest } = await openManifest(ctx.modelsDir, ctx.params.bundle);
    return bundleContentHash(manifest);
  },
  // The run's record names the weights by the manifest the outputs point at (read again for cached outputs:
  // the fingerprint in the cache key guarantees it is the same content).
  async provenance({ params, outputs }) {
    return { bundle: recordedBundle(params.bundle, await readBundleManifest(outputs.models.dir)) };
  },
  async execute(ctx) {
    const { dir, manifest } = await openManifest(ctx.modelsDir, ctx.params.bundle);
    const value: ModelBundleValue = { kind: 'models', dir, provider: ctx.params.provider, precision: manifest.precision };
    return { models: value };
  },
});

function recordedBundle(folder: string, manifest: BundleManifest): RecordedBundle {
  const models: RecordedBundle['models'] = {};
  for (const [id, m] of Object.entries(manifest.models)) if (m) models[id] = { sha256: m.sha256, dataSha256: m.dataSha256 };
  const sources: RecordedBundle['sources'] = {};
  for (const [role, s] of Object.entries(manifest.sources)) if (s) sources[role] = { fileName: s.fileName, sha256: s.sha256 };
  return {
    folder,
    contentHash: bundleContentHash(manifest),
    converter: manifest.converter,
    formatVersion: manifest.formatVersion,
    precision: manifest.precision,
    createdAt: manifest.createdAt,
    models,
    sources,
  };
}

async function openManifest(modelsDir: string, name: string) {
  if (!BUNDLE_NAME.test(name) || name.includes('..')) {
    throw new NodeError(`"${name}" is not a bundle folder name; use the plain name of a folder inside the models dir`, 'bundle');
  }
  const dir = await insideModelsDir(modelsDir, name);
  try {
    return { dir, manifest: await readBundleManifest(dir) };
  } catch (e) {
    throw new NodeError((e as Error).message, 'bundle');
  }
}

/** The bundle folder's real path, refused when it (or a link in it) leads outside the models dir. */
async function insideModelsDir(modelsDir: string, name: string): Promise<string> {
  let root: string;
  let dir: string;
  try {
    root = await realpath(modelsDir);
    dir = await realpath(join(modelsDir, name));
  } catch {
    throw new NodeError(`no bundle "${name}" in the models dir ${modelsDir}; convert one with: lvcd convert --svd svd.safetensors --lvcd lvcd.ckpt --out ${join(modelsDir, name)}`, 'bundle');
  }
  if (!dir.startsWith(root + sep)) throw new NodeError(`bundle "${name}" leads outside the models dir`, 'bundle');
  return dir;
}
