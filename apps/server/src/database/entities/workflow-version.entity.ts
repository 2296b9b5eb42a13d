import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BIG_INTEGER } from './columns.js';

/** One save of a workflow; never changed after it is written. */
@Entity('workflow_versions')
export class WorkflowVersionEntity {
  @PrimaryColumn({ type: 'text', name: 'workflow_id' })
  workflowId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ type: 'text' })
  name: string;

  /** The WorkflowDocument as JSON. */
  @Column({ type: 'text' })
  document: string;

  @Column({ ...BIG_INTEGER, name: 'created_at' })
  createdAt: number;
}
