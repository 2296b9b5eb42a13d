import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { architectureFromConfigJson, convertBundle } from '../convert/index.js';
import type { WeightPrecision } from '../onnx/graph-core.js';
import { lvcdTinyFixturesDir } from './fixture-paths.js';

export interface TinyBundleOptions {
  /** The frame size its CLIP preprocessing and graphs are built for. */
  frame: { width: number; height: number };
  /** Converts the lineart network (sk-tiny.pth) too. */
  lineart?: boolean;
  precision?: WeightPrecision;
}

/** Converts the shared tiny LVCD checkpoints into a bundle at `outDir`, as `lvcd convert --config tiny-config.json` would. */
export async function convertTinyBundle(outDir: string, options: TinyBundleOptions): Promise<void> {
  const fixtures = lvcdTinyFixturesDir();
  await convertBundle({
    svd: join(fixtures, 'svd-tiny.safetensors'),
    lvcd: join(fixtures, 'lvcd-tiny.ckpt'),
    ...(options.lineart ? { lineart: join(fixtures, 'sk-tiny.pth') } : {}),
    outDir,
    frame: { height: options.frame.height, width: options.frame.width },
    ...(options.precision ? { precision: options.precision } : {}),
    ...architectureFromConfigJson(JSON.parse(await readFile(join(fixtures, 'tiny-config.json'), 'utf8'))),
  });
}
