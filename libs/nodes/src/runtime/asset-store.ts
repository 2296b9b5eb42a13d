import { sha256File } from '@lvcd/models';
import { fileTypeFromBuffer } from 'file-type';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { ASSET_ID_PATTERN } from '../params.js';
import type { AssetKind } from '../types.js';
import type { AssetResolver } from './node-type.js';

export interface AssetRecord {
  id: string;
  name: string;
  mime: string;
  kind: AssetKind;
  size: number;
}

export class AssetRejectedError extends Error {
  override name = 'AssetRejectedError';
}

/** The types the studio takes, by the mime file-type detects; everything else (HEIC, m4a, mkv, ...) is refused. */
const ACCEPTED: Readonly<Record<string, AssetKind>> = {
  'image/png': 'image',
  'image/jpeg': 'image',
  'image/webp': 'image',
  'image/gif': 'image',
  'application/zip': 'zip',
  'video/mp4': 'video',
  'video/quicktime': 'video',
  'video/x-m4v': 'video',
  'video/webm': 'video',
};

/** Bytes file-type needs to tell formats apart (its own minimum sample size). */
export const SNIFF_BYTES = 4100;

/**
 * Recognises a file by its first bytes (file-type's signature tables, so an ISO-BMFF file is told apart by its
 * brand: HEIC and m4a are not mp4); the client's file name and type are never trusted.
 */
export async function sniffAsset(head: Uint8Array): Promise<{ kind: AssetKind; mime: string } | undefined> {
  const type = await fileTypeFromBuffer(head);
  const kind = type && ACCEPTED[type.mime];
  return kind && type ? { kind, mime: type.mime } : undefined;
}

/** A display name only: no folders, no control characters, bounded length. */
export function safeDisplayName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 120);
  return clean || 'upload';
}

/**
 * Uploaded files, stored by the sha256 of their bytes. A workflow names an asset by that id only, and ids
 * are checked against the hex pattern before any path is built, so no client string reaches the filesystem.
 */
export class AssetStore implements AssetResolver {
  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.dir, 'tmp'), { recursive: true });
  }

  /** Stores a file that an upload already wrote to disk; moves it in, or refuses it by content. */
  async adoptFile(tempPath: string, originalName: string): Promise<AssetRecord> {
    try {
      const handle = await open(tempPath, 'r');
      const head = Buffer.alloc(SNIFF_BYTES);
      let size: number;
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0));
        size = (await handle.stat()).size;
      } finally {
        await handle.close();
      }
      const type = await sniffAsset(head.subarray(0, bytesRead));
      if (!type) throw new AssetRejectedError(`"${safeDisplayName(originalName)}" is not a PNG, JPEG, WebP, GIF, zip, mp4/mov or webm file`);
      const id = await sha256File(tempPath);
      const record: AssetRecord = { id, name: safeDisplayName(originalName), size, ...type };
      if (!existsSync(this.pathOf(id))) await rename(tempPath, this.pathOf(id));
      await writeFile(this.metaPath(id), JSON.stringify(record));
      return record;
    } finally {
      await rm(tempPath, { force: true });
    }
  }

  async put(data: Uint8Array, originalName: string): Promise<AssetRecord> {
    const temp = this.tempPath();
    await writeFile(temp, data);
    return this.adoptFile(temp, originalName);
  }

  tempPath(): string {
    return join(this.dir, 'tmp', randomUUID());
  }

  exists(id: string): boolean {
    return ASSET_ID_PATTERN.test(id) && existsSync(this.metaPath(id));
  }

  pathOf(id: string): string {
    const path = this.joined(id);
    // A symbolic link planted in the store must not lead a node (or a download) to a file outside it.
    if (existsSync(path) && !realpathSync(path).startsWith(realpathSync(this.dir) + sep)) {
      throw new AssetRejectedError(`asset ${id.slice(0, 12)}… resolves outside the asset folder (a symbolic link?); it is not read`);
    }
    return path;
  }

  info(id: string): AssetRecord | undefined {
    if (!this.exists(id)) return undefined;
    return JSON.parse(readFileSync(this.metaPath(id), 'utf8')) as AssetRecord;
  }

  private metaPath(id: string): string {
    return `${this.joined(id)}.json`;
  }

  /** Only a checked hex id ever becomes part of a path. */
  private joined(id: string): string {
    if (!ASSET_ID_PATTERN.test(id)) throw new AssetRejectedError(`"${id.slice(0, 20)}" is not an asset id`);
    return join(this.dir, id);
  }
}
