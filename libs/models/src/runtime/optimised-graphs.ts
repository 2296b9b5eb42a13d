import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { declareIntegerConstantsAsInputs } from '../onnx/integer-constants.js';
import { ort } from './ort.js';
import { mergeSessionConfig } from './session-config.js';

/** File names inside one cache entry. */
const ENTRY_MODEL = 'model.onnx';
/** Which model file an entry is of, and which machine wrote it (EntrySource): how entries of deleted models are found. */
const ENTRY_SOURCE = 'source.json';
/** Weights smaller than this stay inline in the cached graph (ORT's default keeps all inline: too big for protobuf). */
const EXTERNAL_MIN_BYTES = 1024;
/**
 * What an entry holds besides ORT's graph: 2 since its integer constants are declared as inputs and it names its
 * source (ENTRY_SOURCE). Part of the content
 * key, so that an entry of an older format is replaced (as a changed model's is) rather than read.
 */
const ENTRY_FORMAT = '2';
/** A staging folder this old was left by a writer that died: a live one writes a model in well under this. */
const STALE_STAGING_MS = 60 * 60_000;

/**
 * Session options that make ORT write the optimised graph it opens to `file`, its weights in `<file>.data` beside it
 * (what a cache entry holds before prepareForReading).
 */
export function writingOptimisedGraph(options: ort.InferenceSession.SessionOptions, file: string): ort.InferenceSession.SessionOptions {
  return {
    ...options,
    optimizedModelFilePath: file,
    extra: mergeSessionConfig(options, {
      optimized_model_external_initializers_file_name: `${basename(file)}.data`,
      optimized_model_external_initializers_min_size_in_bytes: String(EXTERNAL_MIN_BYTES),
    }),
  };
}

interface EntrySource {
  /** The model file's absolute path. */
  readonly model: string;
  /** The kind of machine the entry is for (ORT version, arch, CPU model, optimisation level). */
  readonly machine: string;
  readonly host: string;
}

/**
 * ONNX Runtime's optimised graphs, kept on disk so that a model's second opening skips graph optimisation (about
 * 0.9 s of the tiny denoiser's open, more with the real weights, whose layouts ORT rewrites) and, with its integer
 * constants declared as inputs, most of the allocation planner's search (the tiny denoiser reopens in about 0.4 s of
 * CPU, against 1.8 to 2.7 s for an opening that optimises). CPU only: ORT lays out
 * convolutions for this CPU's vector width (NCHWc blocks), so an entry is keyed by the model's bytes, its weight
 * files' sizes and times, the ONNX Runtime version and the CPU model, and no other kind of machine reads it.
 *
 * An entry holds a copy of nearly every weight, in those layouts: the cache takes about as much disk as the models
 * it holds. A model keeps one entry per kind of machine: writing one for new content removes the entries of that
 * model file's older contents, and the entries this host wrote for model files that are gone. Any failure to read or
 * write an entry falls back to opening the model itself.
 */
export class OptimisedGraphCache {
  constructor(readonly dir: string) {}

  /**
   * Opens a model (already read as `model`, its external weights beside `modelPath`) on the CPU: from its entry when
   * there is one, else optimising it and writing the entry.
   */
  async open(modelPath: string, model: Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
    const { entry, siblingsPrefix, source } = await this.entryFor(modelPath, model, options);
    const cached = await this.tryOpenEntry(entry, options);
    if (cached) return cached;
    const staging = `${entry}.writing-${process.pid}-${Date.now()}`;
    if (!(await mkdir(staging, { recursive: true }).then(() => true, () => false))) return ort.InferenceSession.create(model, options);
    try {
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(model, writingOptimisedGraph(options, join(staging, ENTRY_MODEL)));
      } catch {
        // Writing the entry may be what failed (a full disk): open without it. A model that cannot open fails again, with its own error.
        return await ort.InferenceSession.create(model, options);
      }
      // The entry is only an optimisation: an unreadable write keeps the opened session and leaves no entry.
      if (await this.prepareForReading(staging, source).then(() => true, () => false)) await this.publish(staging, entry, siblingsPrefix, source);
      return session;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  private async entryFor(modelPath: string, model: Uint8Array, options: ort.InferenceSession.SessionOptions) {
    const path = resolve(modelPath);
    // What the optimised graph depends on besides the model: machines of other kinds (a data dir shared by a cluster)
    // keep entries of their own instead of replacing each other's.
    const machine = JSON.stringify([ort.env.versions.common, process.arch, cpus()[0]?.model ?? 'unknown cpu', options.graphOptimizationLevel ?? 'all']);
    const weights = await stat(`${path}.data`).then((s) => `${s.size}:${s.mtimeMs}`, () => 'none');
    const content = createHash('sha256').update(model).update(weights).update(ENTRY_FORMAT).digest('hex').slice(0, 24);
    // One entry per model file and kind of machine: its name says which, its key which content.
    const siblingsPrefix = `${basename(path).replace(/[^\w.-]/g, '_')}-${createHash('sha256').update(path).update(machine).digest('hex').slice(0, 12)}-`;
    const source: EntrySource = { model: path, machine, host: hostname() };
    return { entry: join(this.dir, `${siblingsPrefix}${content}`), siblingsPrefix, source };
  }

  /**
   * Rewrites a written entry's graph for the planner's sake (declareIntegerConstantsAsInputs: opens over 2x faster),
   * and names its source.
   */
  private async prepareForReading(staging: string, source: EntrySource): Promise<void> {
    const file = join(staging, ENTRY_MODEL);
    await writeFile(file, declareIntegerConstantsAsInputs(await readFile(file)));
    await writeFile(join(staging, ENTRY_SOURCE), JSON.stringify(source));
  }

  private async tryOpenEntry(entry: string, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession | undefined> {
    const file = join(entry, ENTRY_MODEL);
    if (!(await stat(file).then((s) => s.isFile(), () => false))) return undefined;
    try {
      // Optimised already: optimising again would only repeat the work, and its integer constants are inputs now
      // (prepareForReading), which optimisers would not fold. Its weights are the entry's own.
      const extra = mergeSessionConfig(options, { model_external_initializers_file_folder_path: entry });
      return await ort.InferenceSession.create(file, { ...options, extra, graphOptimizationLevel: 'disabled' });
    } catch {
      // A damaged or half-removed entry: open the model itself, and write the entry anew.
      await rm(entry, { recursive: true, force: true });
      return undefined;
    }
  }

  /**
   * Moves a written entry into place (another process may have won the race: keep theirs), then removes what no
   * opening will read: this model file's entries for older contents, what writers killed mid-way left (staging folders
   * older than an hour), and the entries this host wrote, for this kind of machine, of model files that are gone (a
   * deleted bundle's). Entries from other hosts of a shared data dir are theirs to judge: their models dir may differ.
   */
  private async publish(staging: string, entry: string, siblingsPrefix: string, source: EntrySource): Promise<void> {
    try {
      await rename(staging, entry);
    } catch {
      return;
    }
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => join(this.dir, n) !== entry);
    const age = (name: string) => stat(join(this.dir, name)).then((s) => Date.now() - s.mtimeMs, () => 0);
    const orphan = async (name: string) => {
      const of = await readFile(join(this.dir, name, ENTRY_SOURCE), 'utf8').then((text) => JSON.parse(text) as Partial<EntrySource>).catch(() => undefined);
      if (of?.host !== source.host || of.machine !== source.machine || typeof of.model !== 'string') return false;
      return !(await stat(of.model).then(() => true, () => false));
    };
    for (const name of names) {
      const staged = name.includes('.writing-');
      const remove = name.startsWith(siblingsPrefix) ? !staged || (await age(name)) > STALE_STAGING_MS : !staged && (await orphan(name));
      if (remove) await rm(join(this.dir, name), { recursive: true, force: true });
    }
  }
}
