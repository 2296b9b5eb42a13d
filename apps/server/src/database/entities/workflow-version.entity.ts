import { Column, Entity, PrimaryColumn } from 'typeorm';

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

  @Column({ type: 'integer', name: 'created_at' })
  createdAt: number;
}
