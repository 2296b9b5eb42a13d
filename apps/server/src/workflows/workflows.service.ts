import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SavedWorkflow, WorkflowDocument, WorkflowSummary, WorkflowVersionView } from '@lvcd/nodes';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
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
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  /**
   * TypeORM's SQLite driver runs every query on one connection, so two transactions open at once interleave
   * (BEGIN inside BEGIN, a COMMIT of the other's work) and fail with a 500; two concurrent saves of one
   * workflow would also pick the same version number. Saves go through this queue one at a time.
   */
  private writes: Promise<unknown> = Promise.resolve();

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work, work);
    this.writes = result.catch(() => undefined);
    return result;
  }

  async list(): Promise<WorkflowSummary[]> {
    const rows = await this.db.getRepository(WorkflowEntity).find({ order: { updatedAt: 'DESC', createdAt: 'DESC' } });
    return rows.map((w) => ({ id: w.id, name: w.name, version: w.latestVersion, updatedAt: iso(w.updatedAt) }));
  }

  async create(name: string, rawDocument: unknown): Promise<SavedWorkflow> {
    const document = draftDocument(this.runtime, rawDocument);
    const now = Date.now();
    const workflow: WorkflowEntity = { id: randomUUID(), name, latestVersion: 1, createdAt: now, updatedAt: now };
    await this.serialized(() =>
      this.db.transaction(async (tx) => {
        await tx.insert(WorkflowEntity, workflow);
        await tx.insert(WorkflowVersionEntity, { workflowId: workflow.id, version: 1, name, document: JSON.stringify(document), createdAt: now });
      }),
    );
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
    const saved = await this.serialized(async () => {
      // Looked up before the transaction, so a 404 never rolls back (on the shared connection) anything else.
      const workflow = await this.find(id);
      return this.db.transaction(async (tx) => {
        const version = workflow.latestVersion + 1;
        const newName = name ?? workflow.name;
        await tx.insert(WorkflowVersionEntity, { workflowId: id, version, name: newName, document: JSON.stringify(document), createdAt: now });
        await tx.update(WorkflowEntity, { id }, { name: newName, latestVersion: version, updatedAt: now });
        return { version, name: newName };
      });
    });
    return { id, name: saved.name, version: saved.version, document, updatedAt: iso(now) };
  }

  async remove(id: string): Promise<void> {
    const result = await this.db.getRepository(WorkflowEntity).delete({ id });
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
