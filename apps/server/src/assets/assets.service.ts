import { Inject, Injectable, NotFoundException, UnsupportedMediaTypeException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AssetRejectedError } from '@lvcd/nodes/runtime';
import { DataSource } from 'typeorm';
import { AssetEntity } from '../database/entities/index.js';
import { RUNTIME } from '../runtime/runtime.module.js';
import type { Runtime } from '../runtime/runtime.js';

export interface AssetView {
  id: string;
  name: string;
  mime: string;
  kind: string;
  size: number;
  createdAt: string;
}

/** Uploaded files: bytes in the content-addressed AssetStore, a row per id for listing. */
@Injectable()
export class AssetsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  /** Adopts a file multer wrote to the store's temp folder; the store sniffs its type and refuses anything else. */
  async adopt(tempPath: string, originalName: string): Promise<Omit<AssetView, 'createdAt'>> {
    let record;
    try {
      record = await this.runtime.assets.adoptFile(tempPath, originalName);
    } catch (e) {
      if (e instanceof AssetRejectedError) throw new UnsupportedMediaTypeException(e.message);
      throw e;
    }
    // The same bytes uploaded twice are one asset: the first name and time stay.
    await this.db.getRepository(AssetEntity).createQueryBuilder().insert().values({ ...record, createdAt: Date.now() }).orIgnore().execute();
    return { id: record.id, name: record.name, mime: record.mime, kind: record.kind, size: record.size };
  }

  async list(): Promise<AssetView[]> {
    const rows = await this.db.getRepository(AssetEntity).find({ order: { createdAt: 'DESC' } });
    return rows.map(view);
  }

  async open(id: string): Promise<{ asset: AssetView; path: string }> {
    const row = await this.db.getRepository(AssetEntity).findOneBy({ id });
    if (!row || !this.runtime.assets.exists(id)) throw new NotFoundException(`no asset ${id}`);
    return { asset: view(row), path: this.runtime.assets.pathOf(id) };
  }
}

function view(a: AssetEntity): AssetView {
  return { id: a.id, name: a.name, mime: a.mime, kind: a.kind, size: a.size, createdAt: new Date(a.createdAt).toISOString() };
}
