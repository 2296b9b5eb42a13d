import { readBundleManifest } from '@lvcd/models';
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { NodeError, type NodeType } from '../../runtime/node-type.js';
import type { ModelBundleValue, Value } from '../../runtime/values.js';
import type { ExecuteContext } from '../../runtime/node-type.js';

/** A bundle is named by its folder inside the models dir: a plain name, never a path. */
const BUNDLE_NAME = /^[\w][\w.-]{0,99}$/;

export const modelBundle: NodeType = {
  type: 'lvcd/model-bundle',
  title: 'LVCD Model Bundle',
  category: 'lvcd',
  description: 'A converted LVCD model bundle from the models folder (made with `lvcd convert`), and where it runs.',
  version: 1,
  inputs: [],
  outputs: [{ name: 'models', type: 'LVCD_MODELS' }],
  params: [
    { name: 'bundle', label: 'Bundle folder', description: 'Folder name inside the models dir.', schema: { kind: 'string', default: 'lvcd', maxLength: 100 } },
    { name: 'provider', label: 'Run on', schema: { kind: 'enum', default: 'auto', options: ['auto', 'cuda', 'cpu'] } },
  ],
  async execute(ctx) {
    const name = ctx.params.bundle as string;
    if (!BUNDLE_NAME.test(name) || name.includes('..')) {
      throw new NodeError(`"${name}" is not a bundle folder name; use the plain name of a folder inside the models dir`, 'bundle');
    }
    const dir = await insideModelsDir(ctx.modelsDir, name);
    let manifest;
    try {
      manifest = await readBundleManifest(dir);
    } catch (e) {
      throw new NodeError((e as Error).message, 'bundle');
    }
    const value: ModelBundleValue = { kind: 'models', dir, provider: ctx.params.provider as ModelBundleValue['provider'], precision: manifest.precision };
    return { models: value };
  },
};

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

export function modelsInput(ctx: ExecuteContext): ModelBundleValue {
  const value: Value | undefined = ctx.inputs.models;
  if (!value || value.kind !== 'models') throw new NodeError('connect an LVCD Model Bundle to "models"', 'models');
  return value;
}
