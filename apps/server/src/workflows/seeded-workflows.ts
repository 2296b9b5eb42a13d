import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SeedKey, WorkflowSummary } from '@lvcd/nodes';
import { DataSource } from 'typeorm';
import { DatabaseWriter } from '../database/database-writer.js';
import { SeededWorkflowEntity, WorkflowEntity } from '../database/entities/index.js';

/**
 * The workflows the studio seeded (the demo, the LVCD template), by seed. They are kept as they came: a user
 * who changes one saves a copy, so the demo a fresh start queues is always the demo, and seeding finds it again.
 */
@Injectable()
export class SeededWorkflows {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly writer: DatabaseWriter,
  ) {}

  /** The id of the workflow saved for `seed`, if any. */
  async find(seed: SeedKey): Promise<string | null> {
    return (await this.db.getRepository(SeededWorkflowEntity).findOneBy({ seed }))?.workflowId ?? null;
  }

  async mark(seed: SeedKey, workflowId: string): Promise<void> {
    await this.writer.write((db) => db.insert(SeededWorkflowEntity, { seed, workflowId }));
  }

  /** Summaries (or saved workflows) with the seed of those that are seeded. */
  async label<T extends WorkflowSummary>(workflows: T[]): Promise<T[]> {
    const seeds = new Map((await this.db.getRepository(SeededWorkflowEntity).find()).map((s) => [s.workflowId, s.seed]));
    return workflows.map((w) => {
      const seed = seeds.get(w.id);
      return seed ? { ...w, seed } : w;
    });
  }

  /** Refuses (409) to overwrite or delete a seeded workflow, naming the way to keep the changes. */
  async assertChangeable(id: string, change: 'overwrite' | 'delete'): Promise<void> {
    const seeded = await this.db.getRepository(SeededWorkflowEntity).findOneBy({ workflowId: id });
    if (!seeded) return;
    const name = (await this.db.getRepository(WorkflowEntity).findOneBy({ id }))?.name ?? id;
    const how = change === 'overwrite' ? 'save your changes as a new workflow (Save as) instead' : 'it stays; delete your own copies instead';
    throw new ConflictException(`“${name}” is a workflow the studio seeded and is kept as it came: ${how}`);
  }
}
