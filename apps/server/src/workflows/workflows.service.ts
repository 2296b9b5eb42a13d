import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SavedWorkflow, WorkflowDocument, WorkflowSummary, WorkflowVersionView } from '@lvcd/nodes';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DatabaseWriter } from '../database/database-writer.js';
import { WorkflowEntity, WorkflowVersionEntity } from '../database/entities/index.js';
import { RUNTIME } from '../runtime/runtime.module.js';
import type { Runtime } from '../runtime/runtime.js';
import { draftDocument } from './check-document.js';

export type { SavedWorkflow, WorkflowSummary, WorkflowVersionView } from '@lvcd/nodes';

/** Saved workflows; every save is a new immutable version, the workflow row points at the latest. */
@Injectable()
export class WorkflowsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly writer: DatabaseWriter,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async list(): Promise<WorkflowSummary[]> {
    const rows = await this.db.getRepository(WorkflowEntity).find({ order: { updatedAt: 'DESC', createdAt: 'DESC' } });
    return rows.map((w) => ({ id: w.id, name: w.name, version: w.latestVersion, updatedAt: iso(w.updatedAt) }));
  }

  async create(name: string, rawDocument: unknown): Promise<SavedWorkflow> {
    const document = draftDocument(this.runtime, rawDocument);
    const now = Date.now();
    const workflow: WorkflowEntity = { id: randomUUID(), name, latestVersion: 1, createdAt: now, updatedAt: now };
    await this.writer.transaction(async (tx) => {
      await tx.insert(WorkflowEntity, workflow);
      await tx.insert(WorkflowVersionEntity, { workflowId: workflow.id, version: 1, name, document: JSON.stringify(document), createdAt: now });
    });
    return { id: workflow.id, name, version: 1, document, updatedAt: iso(now) };
  }

  async get(id: string): Promise<SavedWorkflow> {
    const workflow = await this.find(id);
    const version = await this.version(id, workflow.latestVersion);
    return { id, name: workflow.name, version: version.version, document: version.document, updatedAt: iso(workflow.updatedAt) };
  }

  async update(id: string, name: string | undefined, rawDocument: unknown): Promise<SavedWorkflow> {
    const document = draftDocument(this.runtime, rawDocument);
    const now = Date.now();
    const saved = await this.writer.transaction(async (tx) => {
      // The number is taken by incrementing in the database: the update holds the row until commit, so
      // concurrent saves (other API processes on Postgres included) each get the next version, never the same.
      const bumped = await tx.update(WorkflowEntity, { id }, { latestVersion: () => '"latest_version" + 1', updatedAt: now, ...(name === undefined ? {} : { name }) });
      if (!bumped.affected) throw notFound(id);
      const workflow = await tx.findOneByOrFail(WorkflowEntity, { id });
      await tx.insert(WorkflowVersionEntity, { workflowId: id, version: workflow.latestVersion, name: workflow.name, document: JSON.stringify(document), createdAt: now });
      return workflow;
    });
    return { id, name: saved.name, version: saved.latestVersion, document, updatedAt: iso(now) };
  }

  async remove(id: string): Promise<void> {
    const result = await this.writer.write((db) => db.delete(WorkflowEntity, { id }));
    if (!result.affected) throw notFound(id);
  }

  async versions(id: string): Promise<{ version: number; createdAt: string }[]> {
    await this.find(id);
    const rows = await this.db.getRepository(WorkflowVersionEntity).find({ where: { workflowId: id }, order: { version: 'DESC' }, select: ['version', 'createdAt'] });
    return rows.map((v) => ({ version: v.version, createdAt: iso(v.createdAt) }));
  }

  async version(id: string, version: number): Promise<WorkflowVersionView> {
    const row = await this.db.getRepository(WorkflowVersionEntity).findOneBy({ workflowId: id, version });
    if (!row) throw new NotFoundException(`workflow ${id} has no version ${version}`);
    return { id, name: row.name, version, document: JSON.parse(row.document) as WorkflowDocument, createdAt: iso(row.createdAt) };
  }

  private async find(id: string): Promise<WorkflowEntity> {
    const workflow = await this.db.getRepository(WorkflowEntity).findOneBy({ id });
    if (!workflow) throw notFound(id);
    return workflow;
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException(`no workflow ${id}`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
