import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { OutputKind, OutputPage, OutputView, RunStatus } from '@lvcd/nodes';
import { DataSource } from 'typeorm';
import { RunArtifactEntity, RunEntity } from '../database/entities/index.js';
import { artifactView } from '../runs/run-views.js';

export interface OutputFilter {
  kind?: OutputKind;
  workflowId?: string;
  status?: RunStatus;
  limit: number;
  offset: number;
}

/** The run columns of a raw row, named as TypeORM aliases them. */
interface RawRun {
  a_id: string;
  r_status: RunStatus;
  r_workflow_id: string | null;
  r_workflow_name: string | null;
}

/** MIME prefixes of each gallery kind; everything else a run keeps (zips, JSON, CSV, run.json) is not an output to look at. */
const MIME_PREFIX: Record<OutputKind, string> = { image: 'image/', video: 'video/' };

/**
 * The outputs gallery: pictures and videos of every run, newest first, with the run each belongs to. One query
 * joins artefacts to their runs so the workflow and status filters page correctly.
 */
@Injectable()
export class OutputListing {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(filter: OutputFilter): Promise<OutputPage> {
    const query = this.db
      .getRepository(RunArtifactEntity)
      .createQueryBuilder('a')
      .innerJoin(RunEntity, 'r', 'r.id = a.run_id')
      .select(['a.id', 'a.runId', 'a.node', 'a.name', 'a.mime', 'a.kind', 'a.size', 'a.meta', 'a.file', 'a.createdAt', 'a.seq'])
      .addSelect(['r.status', 'r.workflowId', 'r.workflowName']);
    const kinds = filter.kind ? [filter.kind] : (Object.keys(MIME_PREFIX) as OutputKind[]);
    query.where(`(${kinds.map((k) => `a.mime LIKE :${k}`).join(' OR ')})`, Object.fromEntries(kinds.map((k) => [k, `${MIME_PREFIX[k]}%`])));
    if (filter.workflowId) query.andWhere('r.workflowId = :workflowId', { workflowId: filter.workflowId });
    if (filter.status) query.andWhere('r.status = :status', { status: filter.status });
    const total = await query.getCount();
    const { entities, raw } = await query.orderBy('a.seq', 'DESC').offset(filter.offset).limit(filter.limit).getRawAndEntities();
    const runs = new Map((raw as RawRun[]).map((row) => [row.a_id, row]));
    const items = entities.map((a): OutputView => {
      const run = runs.get(a.id)!;
      return {
        ...artifactView(a),
        runId: a.runId,
        runStatus: run.r_status,
        ...(run.r_workflow_id ? { workflowId: run.r_workflow_id } : {}),
        ...(run.r_workflow_name ? { workflowName: run.r_workflow_name } : {}),
        createdAt: new Date(Number(a.createdAt)).toISOString(),
      };
    });
    return { items, total, limit: filter.limit, offset: filter.offset };
  }
}
