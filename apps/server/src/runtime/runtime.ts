import { setBundleIdleTimeout } from '@lvcd/models';
import { createBuiltinRegistry } from '@lvcd/nodes/catalogue';
import { AssetStore, OutputCache, type ExecutorDeps } from '@lvcd/nodes/runtime';
import { mkdir } from 'node:fs/promises';
import { dataPaths } from '../config/data-paths.js';

export interface RuntimeSettings {
  dataDir: string;
  modelsDir: string;
  cacheLimitBytes: number;
  /** How long an opened model bundle nobody uses keeps its memory before it is closed. */
  bundleIdleMs: number;
}

/** What runs a workflow, built the same way for the server and the headless CLI. */
export interface Runtime extends ExecutorDeps {
  assets: AssetStore;
}

export async function createRuntime(settings: RuntimeSettings): Promise<Runtime> {
  setBundleIdleTimeout(settings.bundleIdleMs);
  const paths = dataPaths(settings.dataDir);
  const assets = new AssetStore(paths.assets);
  await assets.init();
  await mkdir(paths.cache, { recursive: true });
  await mkdir(paths.runs, { recursive: true });
  return {
    registry: createBuiltinRegistry(),
    cache: new OutputCache(paths.cache, settings.cacheLimitBytes),
    assets,
    modelsDir: settings.modelsDir,
  };
}
