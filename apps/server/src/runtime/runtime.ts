import { setBundleGraphCache, setBundleIdleTimeout } from '@lvcd/models';
import { createBuiltinRegistry } from '@lvcd/nodes/catalogue';
import { AssetStore, FileCheckpointStore, OutputCache, type ExecutorDeps } from '@lvcd/nodes/runtime';
import { mkdir } from 'node:fs/promises';
import type { ServerConfig } from '../config/config.js';
import { dataPaths } from '../config/data-paths.js';

/** Cache entries used this recently survive a prune (another process may be about to read them). */
const SHARED_CACHE_GRACE_MS = 60_000;

export interface RuntimeSettings {
  dataDir: string;
  modelsDir: string;
  cacheLimitBytes: number;
  /** How long an opened model bundle nobody uses keeps its memory before it is closed. */
  bundleIdleMs: number;
  /** Whether models opened on the CPU keep ORT's optimised graphs in the data dir's `graphs` folder. */
  graphCache: boolean;
}

/** The runtime settings of a server config: the same for the server, its worker processes and queue workers. */
export function runtimeSettings(config: ServerConfig): RuntimeSettings {
  return { dataDir: config.dataDir, modelsDir: config.modelsDir, cacheLimitBytes: config.cacheLimitBytes, bundleIdleMs: config.bundleIdleMs, graphCache: config.graphCache };
}

/** What runs a workflow, built the same way for the server and the headless CLI. */
export interface Runtime extends ExecutorDeps {
  assets: AssetStore;
  checkpoints: FileCheckpointStore;
}

export async function createRuntime(settings: RuntimeSettings): Promise<Runtime> {
  setBundleIdleTimeout(settings.bundleIdleMs);
  const paths = dataPaths(settings.dataDir);
  setBundleGraphCache(settings.graphCache ? paths.graphs : undefined);
  const assets = new AssetStore(paths.assets);
  await assets.init();
  await mkdir(paths.cache, { recursive: true });
  await mkdir(paths.runs, { recursive: true });
  await mkdir(paths.checkpoints, { recursive: true });
  return {
    registry: createBuiltinRegistry(),
    // Workers and the API (compare) share the folder, as do the machines of a scaled setup: a minute's grace.
    cache: new OutputCache(paths.cache, settings.cacheLimitBytes, SHARED_CACHE_GRACE_MS),
    assets,
    modelsDir: settings.modelsDir,
    // Within the cache's limit too: only runs that never finished keep checkpoints for long.
    checkpoints: new FileCheckpointStore(paths.checkpoints, settings.cacheLimitBytes),
  };
}
