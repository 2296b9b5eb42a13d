import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Artifact } from '@lvcd/nodes/runtime';
import { randomUUID } from 'node:crypto';
import { copyFile, link, mkdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DataSource, In } from 'typeorm';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { dataPaths } from '../config/data-paths.js';
import { realPathInside } from '../common/inside-dir.js';
import { DatabaseWriter } from '../database/database-writer.js';
import { RunArtifactEntity } from '../database/entities/index.js';
import { artifactView, type ArtifactView } from '../runs/run-views.js';

/**
 * Artefacts owned by runs. The executor's files live in the output cache, which evicts; each one is
 * hard-linked (copied when linking is impossible) into `<data>/runs/<runId>/` so the run keeps it.
 */
@Injectable()
export class RunArtifactStore {
  private readonly dir: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly writer: DatabaseWriter,
    @Inject(CONFIG) config: ServerConfig,
  ) {
    this.dir = dataPaths(config.dataDir).runs;
  }

  async adopt(runId: string, node: string, artifact: Artifact): Promise<ArtifactView> {
    const id = randomUUID();
    // The stored name is ours (id plus a tame extension), so nothing a node wrote can steer the path.
    const ext = extname(artifact.name).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 10);
    const file = `${runId}/${id}${ext}`;
    await mkdir(join(this.dir, runId), { recursive: true });
    const target = join(this.dir, file);
    await link(artifact.file, target).catch(() => copyFile(artifact.file, target));
    const row: Omit<RunArtifactEntity, 'seq'> = {
      id,
      runId,
      node,
      name: artifact.name,
      mime: artifact.mime,
      kind: artifact.kind,
      size: (await stat(target)).size,
      meta: artifact.meta ? JSON.stringify(artifact.meta) : null,
      file,
      createdAt: Date.now(),
    };
    await this.writer.write((db) => db.insert(RunArtifactEntity, row));
    return artifactView(row);
  }

  async listByRun(runIds: readonly string[]): Promise<Map<string, ArtifactView[]>> {
    const byRun = new Map<string, ArtifactView[]>(runIds.map((id) => [id, []]));
    if (runIds.length === 0) return byRun;
    const rows = await this.db.getRepository(RunArtifactEntity).find({ where: { runId: In([...runIds]) }, order: { seq: 'ASC' } });
    for (const row of rows) byRun.get(row.runId)!.push(artifactView(row));
    return byRun;
  }

  /** The artefact and its real path inside the runs folder, looked up by its database id only. */
  async open(id: string): Promise<{ artifact: ArtifactView; path: string }> {
    const row = await this.db.getRepository(RunArtifactEntity).findOneBy({ id });
    if (!row) throw new NotFoundException(`no artifact ${id}`);
    return { artifact: artifactView(row), path: await realPathInside(this.dir, join(this.dir, row.file)) };
  }
}
