import { acquireBundle, bundleContentHash } from '@lvcd/models';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { DecodeChunkRequest } from './protocol.js';

/** A raw float32 file (a copy of its bytes, so the view is aligned whatever buffer the read used). */
export async function readFloat32(path: string): Promise<Float32Array> {
  const bytes = await readFile(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** A path from another worker's request, kept inside `root`: the request crossed Redis, so it is not trusted. */
function inside(root: string, path: string, what: string): string {
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (isAbsolute(path) || rel === '' || rel.startsWith('..') || rel.split(sep).includes('..')) throw new Error(`the ${what} ${JSON.stringify(path)} is not inside ${root}`);
  return full;
}

/**
 * Decodes another worker's chunk here: the same bundle (by content hash) from this machine's models dir, the
 * latents from the shared data dir, the frames written back beside them (whole, through a rename, so the asker
 * never reads a torn file).
 */
export async function decodeForPeer(request: DecodeChunkRequest, paths: { dataDir: string; modelsDir: string }): Promise<void> {
  const dir = inside(paths.modelsDir, request.bundle.path, 'model bundle');
  const held = await acquireBundle(dir, request.provider);
  try {
    if (bundleContentHash(held.bundle.manifest) !== request.bundle.contentHash) {
      throw new Error(`the model bundle ${request.bundle.path} here differs from the one run ${request.runId} samples with: give every worker the same models folder (re-convert or copy it)`);
    }
    const latents = await readFloat32(inside(paths.dataDir, request.latents, 'latents file'));
    const frames = await held.bundle.decoder.decode(latents, request.frames);
    const output = inside(paths.dataDir, request.output, 'frames file');
    await writeFile(`${output}.partial`, frames);
    await rename(`${output}.partial`, output);
  } finally {
    held.release();
  }
}
