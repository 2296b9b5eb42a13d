import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, realpathSync } from 'node:fs';
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

const SIGNATURES: { kind: AssetKind; mime: string; test: (b: Buffer) => boolean }[] = [
  { kind: 'image', mime: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { kind: 'image', mime: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { kind: 'image', mime: 'image/webp', test: (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
  { kind: 'image', mime: 'image/gif', test: (b) => b.toString('latin1', 0, 4) === 'GIF8' },
  { kind: 'zip', mime: 'application/zip', test: (b) => b.toString('latin1', 0, 4) === 'PK\u0003\u0004' },
  { kind: 'video', mime: 'video/mp4', test: (b) => b.toString('latin1', 4, 8) === 'ftyp' },
  { kind: 'video', mime: 'video/webm', test: (b) => b.readUInt32BE(0) === 0x1a45dfa3 },
];

/** Recognises a file by its first bytes; the client's file name and type are never trusted. */
export function sniffAsset(head: Buffer): { kind: AssetKind; mime: string } | undefined {
  if (head.length < 12) return undefined;
  const hit = SIGNATURES.find((s) => s.test(head));
  return hit && { kind: hit.kind, mime: hit.mime };
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
      const head = Buffer.alloc(16);
      let size: number;
      try {
        await handle.read(head, 0, 16, 0);
        size = (await handle.stat()).size;
      } finally {
        await handle.close();
      }
      const type = sniffAsset(head);
      if (!type) throw new AssetRejectedError(`"${safeDisplayName(originalName)}" is not a PNG, JPEG, WebP, GIF, zip, mp4/mov or webm file`);
      const id = await hashFile(tempPath);
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

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
