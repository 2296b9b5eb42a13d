import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createSession } from '../runtime/session.js';
import { sha256File } from './file-hash.js';
import { MANIFEST_FILE, validateManifest, type BundleManifest } from '../runtime/bundle-manifest.js';

export interface BundleCheck {
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly manifest?: BundleManifest;
  /** Models that onnxruntime loaded, with the provider that ran them. */
  readonly loaded: readonly { readonly id: string; readonly provider: string }[];
}

export interface CheckBundleOptions {
  /** Skip loading in onnxruntime (files and hashes only). */
  readonly skipLoad?: boolean;
}

/**
 * Validates a converted bundle: manifest schema, every file present with the recorded size and
 * sha256, and every model loadable by onnxruntime with the recorded inputs and outputs.
 * Problems are collected, not thrown, so a CLI can list them all.
 */
export async function checkBundle(dir: string, options: CheckBundleOptions = {}): Promise<BundleCheck> {
  const problems: string[] = [];
  const loaded: { id: string; provider: string }[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    return { ok: false, problems: [`cannot read ${MANIFEST_FILE}: ${(error as Error).message}`], loaded };
  }
  problems.push(...validateManifest(parsed));
  if (problems.length) return { ok: false, problems, loaded };
  const manifest = parsed as BundleManifest;

  for (const [id, model] of Object.entries(manifest.models)) {
    if (!model) continue;
    let filesOk = true;
    for (const [file, bytes, sha256] of [[model.file, model.bytes, model.sha256], [model.dataFile, model.dataBytes, model.dataSha256]] as const) {
      const full = path.join(dir, file);
      const size = await stat(full).then((s) => s.size, () => undefined);
      if (size === undefined) { problems.push(`${id}: ${file} is missing`); filesOk = false; continue; }
      if (size !== bytes) { problems.push(`${id}: ${file} is ${size} bytes, manifest says ${bytes}`); filesOk = false; continue; }
      if ((await sha256File(full)) !== sha256) { problems.push(`${id}: ${file} does not match its sha256`); filesOk = false; }
    }
    if (!filesOk || options.skipLoad) continue;
    try {
      const { session, provider } = await createSession(path.join(dir, model.file), { provider: 'cpu' });
      const expectNames = (actual: readonly string[], records: readonly { name: string }[], side: string) => {
        const want = records.map((r) => r.name).sort().join(',');
        if ([...actual].sort().join(',') !== want) problems.push(`${id}: ${side} are ${actual.join(',')}, manifest says ${want}`);
      };
      expectNames(session.inputNames, model.inputs, 'inputs');
      expectNames(session.outputNames, model.outputs, 'outputs');
      loaded.push({ id, provider });
      await session.release();
    } catch (error) {
      problems.push(`${id}: onnxruntime cannot load ${model.file}: ${(error as Error).message}`);
    }
  }
  return { ok: problems.length === 0, problems, manifest, loaded };
}
