// Checks of the stand-in weight writer (node --test bench/support/stand-in-weights.test.mjs; needs libs/models built):
// its files read back through the converter's own safetensors reader with the listings' keys and shapes, the values
// are seeded, bounded and not constant, chunks join without a seam, and memory stays flat while writing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CHUNK_VALUES, fillValues, readListing, standInHeader, valueRange, writeStandInSafetensors } from './stand-in-weights.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { SafetensorsFile } = await import(path.join(repoRoot, 'libs/models/dist/index.js'));
const { lvcdTinyFixturesDir } = await import(path.join(repoRoot, 'libs/models/dist/testing/index.js'));
const fixtures = lvcdTinyFixturesDir();
const count = (shape) => shape.reduce((a, b) => a * b, 1);
const sha256 = async (file) => createHash('sha256').update(await readFile(file)).digest('hex');
let dir;

before(async () => (dir = await mkdtemp(path.join(tmpdir(), 'lvcd-stand-in-'))));
after(async () => rm(dir, { recursive: true, force: true }));

test('the real listings give a header with every key at its listed shape, contiguous, 12.7 GB of F32', async () => {
  for (const name of ['keys-real-svd.tsv', 'keys-real-lvcd-ckpt.tsv']) {
    const entries = await readListing(path.join(fixtures, name));
    const { json, dataBytes } = standInHeader(entries);
    assert.equal(json.length % 8, 0);
    const header = JSON.parse(json.toString());
    assert.deepEqual(Object.keys(header), entries.map((e) => e.key));
    let offset = 0;
    for (const { key, shape } of entries) {
      assert.deepEqual(header[key], { dtype: 'F32', shape, data_offsets: [offset, offset + count(shape) * 4] });
      offset += count(shape) * 4;
    }
    assert.equal(dataBytes, offset);
  }
  const total = (await Promise.all(['keys-real-svd.tsv', 'keys-real-lvcd-ckpt.tsv'].map(async (n) => standInHeader(await readListing(path.join(fixtures, n))).dataBytes))).reduce((a, b) => a + b);
  // The fixtures' README: 2,389,819,785 parameters in the svd part (9.56 GB of F32), 0.78 G in lvcd.ckpt's.
  assert.equal(total, (2_389_819_785 + 781_169_697) * 4);
});

test('a written file reads back through SafetensorsFile with the listing keys, shapes and size', async () => {
  for (const name of ['keys-tiny-svd.tsv', 'keys-tiny-lvcd-ckpt.tsv']) {
    const entries = await readListing(path.join(fixtures, name));
    const file = path.join(dir, `${name}.safetensors`);
    const written = await writeStandInSafetensors(entries, file, { seed: 7 });
    assert.equal((await stat(file)).size, written.bytes);
    const st = await SafetensorsFile.open(file);
    try {
      assert.deepEqual(st.keys(), entries.map((e) => e.key));
      for (const { key, shape } of entries) {
        assert.equal(st.entry(key).dtype, 'F32');
        assert.deepEqual(st.entry(key).shape, shape);
      }
    } finally {
      await st.close();
    }
  }
});

test('values are seeded, bounded, spread and per tensor (not constant, not repeated between tensors)', async () => {
  const entries = await readListing(path.join(fixtures, 'keys-tiny-svd.tsv'));
  const [a, b, c] = ['a', 'b', 'c'].map((n) => path.join(dir, `${n}.safetensors`));
  await writeStandInSafetensors(entries, a, { seed: 1 });
  await writeStandInSafetensors(entries, b, { seed: 1 });
  await writeStandInSafetensors(entries, c, { seed: 2 });
  assert.equal(await sha256(a), await sha256(b), 'the same seed gives the same bytes');
  const [sa, sc] = await Promise.all([SafetensorsFile.open(a), SafetensorsFile.open(c)]);
  try {
    const firsts = new Set();
    let checked = 0;
    for (const { key, shape } of entries) {
      const values = await sa.readFloat32(key);
      const { centre, half } = valueRange(key, shape);
      assert.ok(half > 0 && half <= 1, `${key}: half-width ${half}`);
      let sum = 0;
      let squares = 0;
      for (const v of values) {
        assert.ok(v >= centre - half && v <= centre + half, `${key}: ${v} outside ${centre} +- ${half}`);
        sum += v;
        squares += (v - centre) ** 2;
      }
      firsts.add(values[0]);
      if (values.length >= 4096) {
        // Uniform on centre +- half: mean centre, standard deviation half / sqrt(3).
        const sd = Math.sqrt(squares / values.length);
        assert.ok(Math.abs(sd / (half / Math.sqrt(3)) - 1) < 0.05, `${key}: sd ${sd}, half ${half}`);
        assert.ok(Math.abs(sum / values.length - centre) < half * 0.05, `${key}: mean ${sum / values.length}`);
        assert.ok(new Set(values).size > values.length * 0.99, `${key}: values repeat`);
        checked++;
      }
      const other = await sc.readFloat32(key);
      assert.ok(other.some((v, i) => v !== values[i]), `${key}: seed 2 gives the same values as seed 1`);
    }
    assert.ok(checked > 100, `${checked} large tensors checked`);
    assert.ok(firsts.size > entries.length * 0.95, 'each tensor has its own stream');
  } finally {
    await Promise.all([sa.close(), sc.close()]);
  }
});

test('a tensor spanning several chunks equals one uninterrupted stream (no seam at chunk boundaries)', async () => {
  const shape = [3, CHUNK_VALUES / 2 + 7];
  const file = path.join(dir, 'chunks.safetensors');
  await writeStandInSafetensors([{ key: 'big.weight', shape }, { key: 'after.bias', shape: [5] }], file, { seed: 3 });
  const st = await SafetensorsFile.open(file);
  try {
    assert.deepEqual(await st.readFloat32('big.weight'), fillValues(new Float32Array(count(shape)), 3, 'big.weight', shape));
    assert.deepEqual(await st.readFloat32('after.bias'), fillValues(new Float32Array(5), 3, 'after.bias', [5]));
  } finally {
    await st.close();
  }
});

test('memory stays flat: writing 0.5 GB of real-shape tensors adds less than 64 MiB of RSS', async () => {
  const file = path.join(dir, 'real-part.safetensors');
  const script = `
    import { readListing, writeStandInSafetensors } from ${JSON.stringify(path.join(path.dirname(fileURLToPath(import.meta.url)), 'stand-in-weights.mjs'))};
    const all = await readListing(${JSON.stringify(path.join(fixtures, 'keys-real-svd.tsv'))});
    // The largest tensors first (the CLIP text embedding is 49408 x 1024), up to 0.5 GB.
    const entries = [];
    let bytes = 0;
    for (const e of all.sort((a, b) => b.shape.reduce((x, y) => x * y, 1) - a.shape.reduce((x, y) => x * y, 1))) {
      if (bytes > 5e8) break;
      entries.push(e);
      bytes += e.shape.reduce((x, y) => x * y, 1) * 4;
    }
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    const written = await writeStandInSafetensors(entries, ${JSON.stringify(file)});
    console.log(JSON.stringify({ bytes: written.bytes, baseline, peak: process.resourceUsage().maxRSS * 1024 }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim().split('\n').pop());
  assert.ok(out.bytes > 5e8, `${out.bytes} bytes written`);
  const grown = out.peak - out.baseline;
  console.log(`wrote ${(out.bytes / 1e9).toFixed(2)} GB; RSS grew ${(grown / 2 ** 20).toFixed(1)} MiB over ${(out.baseline / 2 ** 20).toFixed(0)} MiB`);
  assert.ok(grown < 64 * 2 ** 20, `RSS grew ${grown} bytes`);
});
