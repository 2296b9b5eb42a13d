import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ort } from './ort.js';

/** File names inside one cache entry. */
const ENTRY_MODEL = 'model.onnx';
const ENTRY_DATA = 'model.onnx.data';
/** Weights smaller than this stay inline in the cached graph (ORT's default keeps all inline: too big for protobuf). */
const EXTERNAL_MIN_BYTES = 1024;

/**
 * ONNX Runtime's optimised graphs, kept on disk so that a model's second opening skips graph optimisation (about
 * 0.9 s of the tiny denoiser's open, more with the real weights, whose layouts ORT rewrites). CPU only: ORT lays out
 * convolutions for this CPU's vector width (NCHWc blocks), so an entry is keyed by the model's bytes, its weight
 * files' sizes and times, the ONNX Runtime version and the CPU model, and nothing else may read it.
 *
 * An entry holds a copy of nearly every weight, in those layouts: the cache takes about as much disk as the models
 * it holds. A model keeps one entry: writing one for new content removes the entries of that model file's older
 * contents. Any failure to read or write an entry falls back to opening the model itself.
 */
export class OptimisedGraphCache {
  constructor(readonly dir: string) {}

  /**
   * Opens a model (already read as `model`, its external weights beside `modelPath`) on the CPU: from its entry when
   * there is one, else optimising it and writing the entry.
   */
  async open(modelPath: string, model: Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
    const { entry, siblingsPrefix } = await this.entryFor(modelPath, model, options);
    const cached = await this.tryOpenEntry(entry, options);
    if (cached) return cached;
    const staging = `${entry}.writing-${process.pid}-${Date.now()}`;
    if (!(await mkdir(staging, { recursive: true }).then(() => true, () => false))) return ort.InferenceSession.create(model, options);
    try {
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(model, {
          ...options,
          optimizedModelFilePath: join(staging, ENTRY_MODEL),
          extra: mergeSessionConfig(options, {
            optimized_model_external_initializers_file_name: ENTRY_DATA,
            optimized_model_external_initializers_min_size_in_bytes: String(EXTERNAL_MIN_BYTES),
          }),
        });
      } catch {
        // Writing the entry may be what failed (a full disk): open without it. A model that cannot open fails again, with its own error.
        return await ort.InferenceSession.create(model, options);
      }
      await this.publish(staging, entry, siblingsPrefix);
      return session;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  private async entryFor(modelPath: string, model: Uint8Array, options: ort.InferenceSession.SessionOptions) {
    const path = resolve(modelPath);
    const weights = await stat(`${path}.data`).then((s) => `${s.size}:${s.mtimeMs}`, () => 'none');
    const key = createHash('sha256')
      .update(model)
      .update(JSON.stringify([weights, ort.env.versions.common, process.arch, cpus()[0]?.model ?? 'unknown cpu', options.graphOptimizationLevel ?? 'all']))
      .digest('hex')
      .slice(0, 24);
    // One entry per model file: its name says which file, its key which content.
    const siblingsPrefix = `${basename(path).replace(/[^\w.-]/g, '_')}-${createHash('sha256').update(path).digest('hex').slice(0, 12)}-`;
    return { entry: join(this.dir, `${siblingsPrefix}${key}`), siblingsPrefix };
  }

  private async tryOpenEntry(entry: string, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession | undefined> {
    const file = join(entry, ENTRY_MODEL);
    if (!(await stat(file).then((s) => s.isFile(), () => false))) return undefined;
    try {
      // Optimised already: optimising again would only repeat the work. Its weights are the entry's own.
      const extra = mergeSessionConfig(options, { model_external_initializers_file_folder_path: entry });
      return await ort.InferenceSession.create(file, { ...options, extra, graphOptimizationLevel: 'disabled' });
    } catch {
      // A damaged or half-removed entry: open the model itself, and write the entry anew.
      await rm(entry, { recursive: true, force: true });
      return undefined;
    }
  }

  /** Moves a written entry into place (another process may have won the race: keep theirs) and removes older contents' entries. */
  private async publish(staging: string, entry: string, siblingsPrefix: string): Promise<void> {
    try {
      await rename(staging, entry);
    } catch {
      return;
    }
    const names = await readdir(dirname(entry)).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((n) => n.startsWith(siblingsPrefix) && join(this.dir, n) !== entry && !n.includes('.writing-'))
        .map((n) => rm(join(this.dir, n), { recursive: true, force: true })),
    );
  }
}

/** Session options' `extra` with more `session.*` config entries. */
export function mergeSessionConfig(options: ort.InferenceSession.SessionOptions, session: Record<string, string>): Record<string, unknown> {
  const extra = options.extra ?? {};
  return { ...extra, session: { ...(extra['session'] as object | undefined), ...session } };
}
