import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SeedKey } from '@lvcd/nodes';

/** A workflow the studio saved itself on first start, under its seed; the API refuses to overwrite or delete it. */
@Entity('seeded_workflows')
export class SeededWorkflowEntity {
  @PrimaryColumn({ type: 'text' })
  seed: SeedKey;

  @Column({ type: 'text', name: 'workflow_id', unique: true })
  workflowId: string;
}
