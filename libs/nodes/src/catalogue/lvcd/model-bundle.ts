import { bundleContentHash, readBundleManifest } from '@lvcd/models';
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
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
  async execute(ctx) {
    const { dir, manifest } = await openManifest(ctx.modelsDir, ctx.params.bundle);
    const value: ModelBundleValue = { kind: 'models', dir, provider: ctx.params.provider, precision: manifest.precision };
    return { models: value };
  },
});

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
