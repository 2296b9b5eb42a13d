import { ForbiddenException, Inject, Injectable, NotFoundException, UnsupportedMediaTypeException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AssetView } from '@lvcd/nodes';
import { AssetRejectedError } from '@lvcd/nodes/runtime';
import { rm } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { realPathInside } from '../common/inside-dir.js';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { DatabaseWriter } from '../database/database-writer.js';
import { AssetEntity } from '../database/entities/index.js';
import { RUNTIME } from '../runtime/runtime.module.js';
import type { Runtime } from '../runtime/runtime.js';
import { checkUpload } from './upload-check.js';

export type { AssetView } from '@lvcd/nodes';

/** Uploaded files: bytes in the content-addressed AssetStore, a row per id for listing. */
@Injectable()
export class AssetsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly writer: DatabaseWriter,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CONFIG) private readonly config: ServerConfig,
  ) {}

  /** Adopts a file multer wrote to the store's temp folder; the store sniffs its type and refuses anything else. */
  async adopt(tempPath: string, originalName: string): Promise<Omit<AssetView, 'createdAt'>> {
    // Over the media limits (dimensions, frames, a zip bomb): refused before it enters the store.
    await checkUpload(tempPath, originalName, this.config.security).catch(async (e: unknown) => {
      await rm(tempPath, { force: true });
      throw e;
    });
    let record;
    try {
      record = await this.runtime.assets.adoptFile(tempPath, originalName);
    } catch (e) {
      if (e instanceof AssetRejectedError) throw new UnsupportedMediaTypeException(e.message);
      throw e;
    }
    // The same bytes uploaded twice are one asset: the first name and time stay.
    await this.writer.write((db) => db.createQueryBuilder().insert().into(AssetEntity).values({ ...record, createdAt: Date.now() }).orIgnore().execute());
    return { id: record.id, name: record.name, mime: record.mime, kind: record.kind, size: record.size };
  }

  async list(): Promise<AssetView[]> {
    const rows = await this.db.getRepository(AssetEntity).find({ order: { createdAt: 'DESC' } });
    return rows.map(view);
  }

  async open(id: string): Promise<{ asset: AssetView; path: string }> {
    const row = await this.db.getRepository(AssetEntity).findOneBy({ id });
    if (!row || !this.runtime.assets.exists(id)) throw new NotFoundException(`no asset ${id}`);
    let path: string;
    try {
      path = this.runtime.assets.pathOf(id);
    } catch (e) {
      // The store refuses an id whose file is a link out of it; that is the data folder's fault, not the client's.
      if (e instanceof AssetRejectedError) throw new ForbiddenException(`the file of asset ${id.slice(0, 12)}… resolves outside the data folder (a symbolic link?); it is not served`);
      throw e;
    }
    return { asset: view(row), path: await realPathInside(this.runtime.assets.dir, path) };
  }
}

function view(a: AssetEntity): AssetView {
  return { id: a.id, name: a.name, mime: a.mime, kind: a.kind, size: a.size, createdAt: new Date(a.createdAt).toISOString() };
}
