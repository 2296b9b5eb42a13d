import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFile, SafetensorsWeightSource, encodeSafetensors } from '../formats/index.js';
import { GraphBuilder, splitInputShapes, writeOnnxModel } from '../onnx/index.js';
import { FeedError, OptimisedGraphCache, createSession, declaredInputs, runFloat } from './index.js';

let dir: string;
let modelDir: string;
let modelPath: string;

// Two 16-channel convolutions with a GroupNorm's statistics (reshape to 4 groups, InstanceNormalization, reshape back)
// and SiLU between them: a graph ORT's CPU optimiser rewrites (fused activation, blocked layouts), with an int64
// reshape target, and its weights in the external data file. `seed` changes the weights.
async function writeModel(seed: number): Promise<void> {
  const values = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k + seed) * 0.2);
  const file = path.join(dir, `w${seed}.safetensors`);
  const t = (shape: number[], data: Float32Array) => ({ dtype: 'F32' as const, shape, data: new Uint8Array(data.buffer) });
  await writeFile(file, encodeSafetensors({
    'a.weight': t([16, 3, 3, 3], values(16 * 27, 0.7)), 'a.bias': t([16], values(16, 1.3)),
    'b.weight': t([16, 16, 3, 3], values(16 * 144, 0.3)), 'b.bias': t([16], values(16, 2.1)),
  }));
  const weights = new SafetensorsWeightSource(await SafetensorsFile.open(file));
  try {
    const b = new GraphBuilder({ name: 'two_convs', weights });
    const x = b.input('x', [1, 3, 'height', 'width']);
    b.output(b.conv2d(b.silu(b.normalizeGroups(b.conv2d(x, 'a', { pad: 1 }), 4, 1e-5)), 'b', { pad: 1 }), 'y');
    modelPath = (await writeOnnxModel(b.finish(), { dir: modelDir, fileName: 'two_convs.onnx', weights })).modelPath;
  } finally {
    await weights.close();
  }
}

const x = { data: Float32Array.from({ length: 3 * 8 * 12 }, (_, i) => Math.cos(i * 0.11)), dims: [1, 3, 8, 12] };

async function outputOf(cache: OptimisedGraphCache | undefined, file = modelPath): Promise<number[]> {
  const { session } = await createSession(file, { provider: 'cpu', graphCache: cache });
  try {
    return Array.from((await runFloat(session, { x }))['y']!.data);
  } finally {
    await session.release();
  }
}

async function entries(cacheDir: string): Promise<string[]> {
  return (await readdir(cacheDir).catch(() => [] as string[])).sort();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-graph-cache-'));
  modelDir = path.join(dir, 'bundle');
  await mkdir(modelDir);
  await writeModel(1);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('OptimisedGraphCache', () => {
  it("writes ORT's optimised graph on the first opening and reopens it on the next, with the same outputs bit for bit", async () => {
    const cacheDir = path.join(dir, 'cache-a');
    const cache = new OptimisedGraphCache(cacheDir);
    const plain = await outputOf(undefined);
    expect(await outputOf(cache)).toEqual(plain);
    const [entry, ...more] = await entries(cacheDir);
    expect(more).toEqual([]);
    expect(entry).toMatch(/^two_convs\.onnx-[0-9a-f]{12}-[0-9a-f]{24}$/);
    expect((await readdir(path.join(cacheDir, entry!))).sort()).toEqual(['model.onnx', 'model.onnx.data', 'source.json']);
    const written = await stat(path.join(cacheDir, entry!, 'model.onnx'));
    // Its integer constants (the reshape target) are declared as inputs with no shape, for the planner's sake.
    const entryInputs = splitInputShapes(await readFile(path.join(cacheDir, entry!, 'model.onnx'))).inputs;
    expect(entryInputs[0]).toMatchObject({ name: 'x', type: 'float32' });
    expect(entryInputs.length).toBeGreaterThan(1);
    expect(entryInputs.slice(1).every((input) => input.type === 'int64' && input.shape.length === 0)).toBe(true);

    expect(await outputOf(cache)).toEqual(plain);
    // Read, not written again: the same file.
    const reread = await stat(path.join(cacheDir, entry!, 'model.onnx'));
    expect([reread.ino, reread.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
    expect(await entries(cacheDir)).toEqual([entry]);
  });

  it('still checks feeds against the inputs the model file declares when it opens from the cache', async () => {
    const cache = new OptimisedGraphCache(path.join(dir, 'cache-b'));
    await outputOf(cache);
    const { session } = await createSession(modelPath, { provider: 'cpu', graphCache: cache });
    try {
      expect(declaredInputs(session)).toEqual([{ name: 'x', isTensor: true, type: 'float32', shape: [1, 3, 'height', 'width'] }]);
      await expect(runFloat(session, { x: { data: new Float32Array(2 * 3 * 4 * 4), dims: [2, 3, 4, 4] } }, 'two_convs')).rejects.toThrow(FeedError);
    } finally {
      await session.release();
    }
  });

  it("follows a model whose content changes: a new entry with the new weights' outputs, the old entry and dead writers' leftovers removed", async () => {
    const cacheDir = path.join(dir, 'cache-c');
    const cache = new OptimisedGraphCache(cacheDir);
    const before = await outputOf(cache);
    const [old] = await entries(cacheDir);
    // What writers of this model left: one killed two hours ago, one that may still be writing.
    const prefix = old!.slice(0, -24);
    const dead = `${prefix}${'0'.repeat(24)}.writing-1-1`;
    const live = `${prefix}${'1'.repeat(24)}.writing-2-2`;
    await mkdir(path.join(cacheDir, dead));
    await mkdir(path.join(cacheDir, live));
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(path.join(cacheDir, dead), twoHoursAgo, twoHoursAgo);
    await writeModel(2);
    try {
      const plain = await outputOf(undefined);
      expect(plain).not.toEqual(before);
      expect(await outputOf(cache)).toEqual(plain);
      const now = await entries(cacheDir);
      expect(now).toHaveLength(2);
      expect(now).toContain(live);
      expect(now).not.toContain(old);
      expect(now).not.toContain(dead);
    } finally {
      await writeModel(1);
    }
  });

  it("removes this host's entries of model files that are gone when it writes one, and keeps the rest", async () => {
    const cacheDir = path.join(dir, 'cache-e');
    const cache = new OptimisedGraphCache(cacheDir);
    // Two other bundles' copies of the model, each opened through the cache; then one bundle is deleted.
    const copyTo = async (name: string) => {
      const folder = path.join(dir, name);
      await mkdir(folder);
      await copyFile(modelPath, path.join(folder, 'two_convs.onnx'));
      await copyFile(`${modelPath}.data`, path.join(folder, 'two_convs.onnx.data'));
      const before = new Set(await entries(cacheDir));
      await outputOf(cache, path.join(folder, 'two_convs.onnx'));
      return { folder, entry: (await entries(cacheDir)).find((e) => !before.has(e))! };
    };
    const deleted = await copyTo('deleted-bundle');
    const kept = await copyTo('kept-bundle');
    const source = JSON.parse(await readFile(path.join(cacheDir, deleted.entry, 'source.json'), 'utf8')) as Record<string, string>;
    expect(source).toMatchObject({ model: path.join(deleted.folder, 'two_convs.onnx'), host: hostname() });
    // Another host's entry of a model this host does not have: its models dir may be elsewhere.
    const otherHost = `two_convs.onnx-${'0'.repeat(12)}-${'2'.repeat(24)}`;
    await mkdir(path.join(cacheDir, otherHost));
    await writeFile(path.join(cacheDir, otherHost, 'source.json'), JSON.stringify({ ...source, host: 'another-host' }));
    await rm(deleted.folder, { recursive: true });

    await outputOf(cache);
    const now = await entries(cacheDir);
    expect(now).toHaveLength(3);
    expect(now).toEqual(expect.arrayContaining([kept.entry, otherHost]));
    expect(now).not.toContain(deleted.entry);
  });

  it('opens the model itself when the cache cannot be written, or an entry is damaged', async () => {
    const plain = await outputOf(undefined);
    // A file where the cache folder should be: nothing can be written under it.
    const blocked = path.join(dir, 'not-a-folder');
    await writeFile(blocked, 'x');
    expect(await outputOf(new OptimisedGraphCache(blocked))).toEqual(plain);

    const cacheDir = path.join(dir, 'cache-d');
    const cache = new OptimisedGraphCache(cacheDir);
    await outputOf(cache);
    const [entry] = await entries(cacheDir);
    await writeFile(path.join(cacheDir, entry!, 'model.onnx'), 'damaged');
    expect(await outputOf(cache)).toEqual(plain);
    // Written anew.
    expect((await stat(path.join(cacheDir, entry!, 'model.onnx'))).size).toBeGreaterThan(100);
  });
});
