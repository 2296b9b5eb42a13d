import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertTinyBundle } from '../testing/index.js';
import type { BundleManifest } from './bundle-manifest.js';
import { openLvcdBundle, readBundleManifest } from './bundle-networks.js';
import { LazySessions } from './lazy-sessions.js';

let dir: string;
let manifest: BundleManifest;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lvcd-lazy-'));
  await convertTinyBundle(dir, { frame: { width: 128, height: 64 }, lineart: true });
  manifest = await readBundleManifest(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a bundle's sessions", () => {
  it('open on first use only: an opened bundle holds none, and a run that extracts no lineart never opens it', async () => {
    const bundle = await openLvcdBundle(dir, 'cpu');
    try {
      expect(bundle.providers).toEqual({});
      expect(bundle.provider).toBe('cpu');
      expect(bundle.lineart).toBeTypeOf('function');
      await bundle.encodeReferenceMode(new Float32Array(3 * 64 * 128), 64, 128);
      expect(bundle.providers).toEqual({ cond_encoder: 'cpu' });
    } finally {
      await bundle.release();
    }
  });

  it('share one opening between concurrent first uses, and fail once released', async () => {
    const sessions = new LazySessions(dir, manifest, 'cpu');
    const [a, b] = await Promise.all([sessions.get('vae_encoder'), sessions.get('vae_encoder')]);
    expect(b).toBe(a);
    expect(await sessions.get('vae_encoder')).toBe(a);
    const opening = sessions.get('vae_decoder');
    await sessions.release();
    await expect(opening).rejects.toThrow(/released/);
    await expect(sessions.get('vae_encoder')).rejects.toThrow(/released/);
  });

  it('name the model and file that does not open, and try again on the next use', async () => {
    const copy = await mkdtemp(path.join(tmpdir(), 'lvcd-lazy-bad-'));
    try {
      const file = manifest.models.vae_encoder!.file;
      await writeFile(path.join(copy, file), 'not an onnx model');
      const sessions = new LazySessions(copy, manifest, 'cpu');
      await expect(sessions.get('vae_encoder')).rejects.toThrow(`cannot open vae_encoder (${file}) of the model bundle in ${copy}`);
      await writeFile(path.join(copy, file), await readFile(path.join(dir, file)));
      await writeFile(path.join(copy, `${file}.data`), await readFile(path.join(dir, `${file}.data`)));
      await expect(sessions.get('vae_encoder')).resolves.toBeDefined();
      expect(sessions.providers()).toEqual({ vae_encoder: 'cpu' });
      await sessions.release();
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
