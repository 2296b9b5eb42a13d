import { Controller, Get, Inject } from '@nestjs/common';
import { bundleContentHash, MANIFEST_FILE, onnxRuntimeVersion, readBundleManifest } from '@lvcd/models';
import type { ReproducibilityState } from '@lvcd/nodes';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RUNTIME } from '../runtime/runtime.module.js';
import type { Runtime } from '../runtime/runtime.js';

/**
 * What runs would execute with now: the ONNX Runtime version, each bundle's content hash and the node versions.
 * The run detail compares a run's record (run.json) with it to warn before "run again exactly".
 */
@Controller('api/reproducibility')
export class ReproducibilityController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  async state(): Promise<ReproducibilityState> {
    const nodeVersions = Object.fromEntries(this.runtime.registry.list().map((s) => [s.type, s.version]));
    return { onnxRuntime: onnxRuntimeVersion(), bundles: await this.bundles(), nodeVersions };
  }

  private async bundles(): Promise<ReproducibilityState['bundles']> {
    const bundles: ReproducibilityState['bundles'] = {};
    const entries = await readdir(this.runtime.modelsDir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const dir = join(this.runtime.modelsDir, entry.name);
      // A folder without a manifest is not a bundle; one whose manifest cannot be read is named with why.
      if (!entry.isDirectory() || !existsSync(join(dir, MANIFEST_FILE))) continue;
      try {
        const manifest = await readBundleManifest(dir);
        bundles[entry.name] = { contentHash: bundleContentHash(manifest), converter: manifest.converter, precision: manifest.precision };
      } catch (e) {
        bundles[entry.name] = { problem: (e as Error).message };
      }
    }
    return bundles;
  }
}
