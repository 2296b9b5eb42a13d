import { HttpException } from '@nestjs/common';
import type { AssetKind } from '@lvcd/nodes';
import { AssetRejectedError, type AssetRecord, type AssetStore } from '@lvcd/nodes/runtime';
import { copyFile, rm, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { checkUpload, type UploadLimits } from '../assets/upload-check.js';
import { InputError } from './command.js';
import { zipFrameFolder } from './frame-folder.js';
import type { AssetImporter } from './overrides.js';

/**
 * Adds a local file, or a folder of numbered images (zipped first), to the data dir's asset store with the checks
 * an upload to the studio gets: type sniffed from the bytes, media limits, zip bombs. The file itself is copied,
 * never moved or linked.
 */
export async function addLocalAsset(store: AssetStore, path: string, limits: UploadLimits): Promise<AssetRecord> {
  const source = resolve(path);
  const info = await stat(source).catch(() => undefined);
  if (!info) throw new InputError(`no file or folder ${path}`);
  const temp = store.tempPath();
  const name = info.isDirectory() ? `${basename(source)}.zip` : basename(source);
  try {
    if (info.isDirectory()) await zipFrameFolder(source, temp);
    else await copyFile(source, temp);
    await checkUpload(temp, name, limits);
    return await store.adoptFile(temp, name);
  } catch (e) {
    if (e instanceof HttpException || e instanceof AssetRejectedError) throw new InputError(`${path}: ${e.message}`);
    throw e;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Refuses an asset of a kind the param does not take, naming both. */
export function checkKind(asset: { kind: string; name: string }, accept: readonly AssetKind[], where: string): void {
  if (!(accept as readonly string[]).includes(asset.kind)) {
    throw new InputError(`${where}: "${asset.name}" is ${/^[aeiou]/.test(asset.kind) ? 'an' : 'a'} ${asset.kind} file, but this param takes a ${accept.join(' or ')} file${accept.includes('zip') ? ' or a folder of numbered images' : ''}`);
  }
}

/** What `--set` does with a path when the run is local: the file goes into the data dir's store, and the id is said. */
export function localImporter(store: AssetStore, limits: UploadLimits): AssetImporter {
  return async (path, accept, where) => {
    const asset = await addLocalAsset(store, path, limits);
    checkKind(asset, accept, where);
    console.log(`${where}: ${path} is asset ${asset.id}`);
    return asset.id;
  };
}
