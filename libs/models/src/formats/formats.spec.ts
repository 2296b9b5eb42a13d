import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lvcdTinyFixturesDir } from '../testing/fixture-paths.js';
import {
  CheckpointFormatError,
  OverlayWeightSource,
  SafetensorsFile,
  ShapeOnlyWeightSource,
  TorchCheckpoint,
  encodeSafetensors,
  float32ToFloat16,
  openWeightFile,
  OpaqueObject,
  unpickle,
} from './index.js';

const fixtures = lvcdTinyFixturesDir();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-formats-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const f32Bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
async function writeTemp(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}
async function listing(name: string) {
  return ShapeOnlyWeightSource.fromListingFile(path.join(fixtures, name));
}

describe('safetensors reader', () => {
  it('reads every tiny SVD tensor with the shapes of the key listing', async () => {
    const file = await SafetensorsFile.open(path.join(fixtures, 'svd-tiny.safetensors'));
    const expected = await listing('keys-tiny-svd.tsv');
    expect(file.keys().sort()).toEqual(expected.keys().sort());
    for (const key of expected.keys()) expect(file.entry(key).shape).toEqual(expected.info(key)!.shape);
    const conv = await file.readFloat32('first_stage_model.encoder.conv_in.weight');
    expect(conv.length).toBe(32 * 3 * 3 * 3);
    await file.close();
  });

  it('decodes F16 and BF16 to the same values as F32', async () => {
    const values = [1, -2.5, 0.1, 65504, 6e-8];
    const f16 = float32ToFloat16(new Float32Array(values));
    const bf16 = new Uint16Array(new Uint32Array(new Float32Array(values).buffer).map((bits) => bits >>> 16));
    const file = await writeTemp('mixed.safetensors', encodeSafetensors({
      half: { dtype: 'F16', shape: [5], data: new Uint8Array(f16.buffer) },
      brain: { dtype: 'BF16', shape: [5], data: new Uint8Array(bf16.buffer) },
    }));
    const st = await SafetensorsFile.open(file);
    const half = await st.readFloat32('half');
    const brain = await st.readFloat32('brain');
    values.forEach((v, i) => {
      expect(Math.abs(half[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-3 + 1e-7);
      expect(Math.abs(brain[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-2);
    });
    await st.close();
  });

  const valid = encodeSafetensors({ w: { dtype: 'F32', shape: [2, 2], data: f32Bytes([1, 2, 3, 4]) } });
  const headerLength = Number(new DataView(valid.buffer).getBigUint64(0, true));
  const withHeader = (json: string) => {
    const text = new TextEncoder().encode(json);
    const out = new Uint8Array(8 + text.length + 16);
    new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
    out.set(text, 8);
    return out;
  };
  const badFiles: Array<[string, Uint8Array, RegExp]> = [
    ['empty', new Uint8Array(3), /shorter than the 8-byte header length/],
    ['truncated data', valid.subarray(0, valid.length - 4), /lie outside the 12-byte data section/],
    ['header length lying', (() => {
      const copy = valid.slice();
      new DataView(copy.buffer).setBigUint64(0, BigInt(headerLength + 1000), true);
      return copy;
    })(), /runs past the end/],
    ['header length huge', (() => {
      const copy = valid.slice();
      new DataView(copy.buffer).setBigUint64(0, 1n << 40n, true);
      return copy;
    })(), /implausibly large/],
    ['bad header JSON', withHeader('{"w": {"dtype": "F32",'), /header is not JSON/],
    ['unknown dtype', withHeader('{"w":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}'), /unknown dtype/],
    ['offsets out of range', withHeader('{"w":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}'), /outside the 16-byte data section/],
    ['size disagrees with shape', withHeader('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}'), /needs 12/],
  ];
  it.each(badFiles)('rejects a bad file: %s', async (name, bytes, message) => {
    const file = await writeTemp(`${name.replace(/\W/g, '_')}.safetensors`, bytes);
    const error = await SafetensorsFile.open(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointFormatError);
    expect((error as CheckpointFormatError).file).toBe(file);
    expect((error as Error).message).toMatch(message);
  });
});

/**
 * A STORED zip in ZIP64 form (as torch.save writes past 4 GB): sizes and offsets saturated at
 * 0xffffffff in the central directory, real values in the 0x0001 extra field, ZIP64 end records.
 * Written by hand because fflate (the other zips of these specs) writes no ZIP64.
 */
function zip64(files: Record<string, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = new TextEncoder().encode(name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint32(14, crc32(data), true);
    local.setUint16(26, nameBytes.length, true);
    const header = new Uint8Array(local.buffer);
    parts.push(header, nameBytes, data);
    const entry = new DataView(new ArrayBuffer(46 + nameBytes.length + 28));
    entry.setUint32(0, 0x02014b50, true);
    entry.setUint32(16, crc32(data), true);
    entry.setUint32(20, 0xffffffff, true);
    entry.setUint32(24, 0xffffffff, true);
    entry.setUint16(28, nameBytes.length, true);
    entry.setUint16(30, 28, true);
    entry.setUint32(42, 0xffffffff, true);
    new Uint8Array(entry.buffer).set(nameBytes, 46);
    const extra = 46 + nameBytes.length;
    entry.setUint16(extra, 0x0001, true);
    entry.setUint16(extra + 2, 24, true);
    entry.setBigUint64(extra + 4, BigInt(data.length), true); // uncompressed
    entry.setBigUint64(extra + 12, BigInt(data.length), true); // compressed
    entry.setBigUint64(extra + 20, BigInt(offset), true); // local header offset
    central.push(new Uint8Array(entry.buffer));
    offset += 30 + nameBytes.length + data.length;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  const end = new DataView(new ArrayBuffer(56 + 20 + 22));
  end.setUint32(0, 0x06064b50, true);
  end.setBigUint64(32, BigInt(central.length), true);
  end.setBigUint64(40, BigInt(dirSize), true);
  end.setBigUint64(48, BigInt(offset), true);
  end.setUint32(56, 0x07064b50, true);
  end.setBigUint64(64, BigInt(offset + dirSize), true);
  end.setUint32(76, 0x06054b50, true);
  end.setUint16(86, 0xffff, true);
  end.setUint32(88, 0xffffffff, true);
  end.setUint32(92, 0xffffffff, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) (out.set(p, at), (at += p.length));
  return out;
}

describe('PyTorch zip checkpoint reader', () => {
  it('reads the lineart generator .pth with the shapes of keys-sk.tsv', async () => {
    const source = await openWeightFile(path.join(fixtures, 'sk-tiny.pth'));
    const expected = await listing('keys-sk.tsv');
    expect(source.keys().sort()).toEqual(expected.keys().sort());
    for (const key of expected.keys()) expect(source.info(key)!.shape).toEqual(expected.info(key)!.shape);
    const bias = await source.readFloat32('model4.1.bias');
    expect(bias.length).toBe(1);
    expect(Number.isFinite(bias[0]!)).toBe(true);
    await source.close();
  });

  it('reads the Lightning .ckpt state_dict, and its keys override svd.safetensors', async () => {
    const lvcd = await openWeightFile(path.join(fixtures, 'lvcd-tiny.ckpt'));
    const svd = await openWeightFile(path.join(fixtures, 'svd-tiny.safetensors'));
    const expected = await listing('keys-tiny-lvcd-ckpt.tsv');
    expect(lvcd.keys().sort()).toEqual(expected.keys().sort());
    const overlay = new OverlayWeightSource(svd, lvcd);
    const shared = lvcd.keys().find((k) => svd.info(k) !== undefined)!;
    expect(shared).toMatch(/^model\.diffusion_model\./);
    expect(overlay.sourceOf(shared)).toBe(lvcd.description);
    expect(await overlay.readFloat32(shared)).toEqual(await lvcd.readFloat32(shared));
    expect(await overlay.readFloat32(shared)).not.toEqual(await svd.readFloat32(shared));
    await overlay.close();
  });

  function storedZip(files: Record<string, Uint8Array>): Uint8Array {
    return zipSync(Object.fromEntries(Object.entries(files).map(([n, d]) => [n, [d, { level: 0 }]])));
  }
  const ascii = (s: string) => new TextEncoder().encode(s);
  const concat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) (out.set(p, at), (at += p.length));
    return out;
  };
  const binUnicode = (s: string) => {
    const text = ascii(s);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, text.length, true);
    return concat(ascii('X'), len, text);
  };

  it('refuses a malicious pickle (GLOBAL os.system + REDUCE) without running it', async () => {
    const marker = path.join(dir, 'pwned');
    const evil = concat(
      Uint8Array.of(0x80, 0x02),
      ascii('cos\nsystem\n'),
      binUnicode(`touch ${marker}`),
      Uint8Array.of(0x85), // TUPLE1
      ascii('R.'), // REDUCE, STOP
    );
    const file = await writeTemp('evil.ckpt', storedZip({ 'archive/data.pkl': evil }));
    const error = await openWeightFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointFormatError);
    expect((error as Error).message).toMatch(/refusing to load.*os\.system/);
    await expect(access(marker)).rejects.toThrow();
  });

  it('keeps unknown globals as inert placeholders (never imported or called)', () => {
    const pickle = concat(
      Uint8Array.of(0x80, 0x02),
      ascii('cnumpy.core.multiarray\nscalar\n'),
      binUnicode('payload'),
      Uint8Array.of(0x85),
      ascii('R.'),
    );
    const value = unpickle(pickle, { resolveGlobal: () => undefined });
    expect(value).toBeInstanceOf(OpaqueObject);
    expect(String((value as OpaqueObject).callable)).toBe('numpy.core.multiarray.scalar');
    // Harmless builtins (a set in Lightning hyper-parameters) stay inert; code-running ones refuse.
    const call = (global: string) =>
      unpickle(concat(Uint8Array.of(0x80, 0x02), ascii(`c${global}\n`), Uint8Array.of(0x5d, 0x85), ascii('R.')), { resolveGlobal: () => undefined });
    expect(call('builtins\nset')).toBeInstanceOf(OpaqueObject);
    expect(() => call('builtins\neval')).toThrow(/refusing to load: the pickle references builtins\.eval/);
    expect(() => call('__builtin__\ngetattr')).toThrow(/refusing/);
  });

  it('reads a ZIP64 archive (the layout torch.save uses for files over 4 GB)', async () => {
    const real = await (await import('@lvcd/media')).ZipArchive.open(path.join(fixtures, 'sk-tiny.pth'));
    const files: Record<string, Uint8Array> = {};
    for (const name of real.entries.keys()) files[name] = await real.readEntry(name);
    await real.close();
    const file = await writeTemp('zip64.pth', zip64(files));
    const copy = await openWeightFile(file);
    const original = await openWeightFile(path.join(fixtures, 'sk-tiny.pth'));
    expect(copy.keys().sort()).toEqual(original.keys().sort());
    expect(await copy.readFloat32('model3.3.weight')).toEqual(await original.readFloat32('model3.3.weight'));
    await Promise.all([copy.close(), original.close()]);
  });

  it('accepts an fp16 safetensors re-release of lvcd.ckpt (like lvcd-fp16.safetensors)', async () => {
    const ckpt = await openWeightFile(path.join(fixtures, 'lvcd-tiny.ckpt'));
    const tensors: Record<string, { dtype: 'F16'; shape: readonly number[]; data: Uint8Array }> = {};
    for (const key of ckpt.keys()) {
      const half = float32ToFloat16(await ckpt.readFloat32(key));
      tensors[key] = { dtype: 'F16', shape: ckpt.info(key)!.shape, data: new Uint8Array(half.buffer) };
    }
    const file = await writeTemp('lvcd-fp16.safetensors', encodeSafetensors(tensors));
    const fp16 = await openWeightFile(file);
    const key = 'control_model.input_hint_block.0.weight';
    expect(fp16.info(key)).toEqual({ ...ckpt.info(key), dtype: 'F16', offset: expect.any(Number), byteLength: expect.any(Number) });
    const exact = await ckpt.readFloat32(key);
    const rounded = await fp16.readFloat32(key);
    rounded.forEach((v, i) => expect(Math.abs(v - exact[i]!)).toBeLessThanOrEqual(Math.abs(exact[i]!) * 5e-4 + 1e-7));
    await Promise.all([ckpt.close(), fp16.close()]);
  });

  it('rejects truncated and hostile checkpoints with clear errors', async () => {
    const real = await readFile(path.join(fixtures, 'sk-tiny.pth'));
    const truncated = await writeTemp('truncated.pth', real.subarray(0, real.length - 100));
    await expect(openWeightFile(truncated)).rejects.toThrow(/not a PyTorch zip checkpoint|truncated/);

    const halfPickle = await writeTemp('half-pickle.pth', storedZip({ 'archive/data.pkl': Uint8Array.of(0x80, 0x02, 0x7d, 0x71) }));
    await expect(openWeightFile(halfPickle)).rejects.toThrow(/pickle truncated/);

    // A tensor whose view claims more elements than its storage holds.
    const lying = concat(
      Uint8Array.of(0x80, 0x02, 0x7d), // PROTO 2, EMPTY_DICT
      binUnicode('w'),
      ascii('ctorch._utils\n_rebuild_tensor_v2\n'),
      Uint8Array.of(0x28), // MARK (the args tuple)
      Uint8Array.of(0x28), binUnicode('storage'), ascii('ctorch\nFloatStorage\n'), binUnicode('0'), binUnicode('cpu'),
      Uint8Array.of(0x4b, 4, 0x74, 0x51), // BININT1 4, TUPLE, BINPERSID
      Uint8Array.of(0x4b, 0), // storage offset 0
      Uint8Array.of(0x4b, 100, 0x85), // size (100,)
      Uint8Array.of(0x4b, 1, 0x85), // stride (1,)
      Uint8Array.of(0x89, 0x7d, 0x74, 0x52), // requires_grad False, hooks {}, TUPLE, REDUCE
      ascii('s.'), // SETITEM, STOP
    );
    const lyingFile = await writeTemp('lying.pth', storedZip({
      'archive/data.pkl': lying,
      'archive/data/0': new Uint8Array(16),
    }));
    await expect(TorchCheckpoint.open(lyingFile)).rejects.toThrow(/view reaches element 99 of a 4-element storage/);

    const missingStorage = await writeTemp('missing.pth', storedZip({ 'archive/data.pkl': lying }));
    await expect(TorchCheckpoint.open(missingStorage)).rejects.toThrow(/storage data\/0 is missing/);
  });
});
