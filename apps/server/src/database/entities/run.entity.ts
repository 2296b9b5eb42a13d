import type { RunStatus } from '@lvcd/nodes';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { BIG_INTEGER } from './columns.js';

export { NODE_STATUSES, RUN_STATUSES, type NodeState, type NodeStatus, type RunStatus } from '@lvcd/nodes';

/**
 * A run: an immutable snapshot of the document it executes plus its outcome. `seq` orders runs exactly
 * (creation times can tie), which keeps the queue FIFO across restarts; `id` is what the API shows.
 */
@Entity('runs')
export class RunEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'text', unique: true })
  id: string;

  @Column({ type: 'text', name: 'workflow_id', nullable: true })
  workflowId: string | null;

  /** The workflow's name when the run was made, kept even if the workflow is renamed or deleted. */
  @Column({ type: 'text', name: 'workflow_name', nullable: true })
  workflowName: string | null;

  @Column({ type: 'integer', name: 'workflow_version', nullable: true })
  workflowVersion: number | null;

  /** The WorkflowDocument as JSON. */
  @Column({ type: 'text' })
  document: string;

  /** Target node ids as a JSON list, or null for every output node. */
  @Column({ type: 'text', nullable: true })
  targets: string | null;

  @Column({ type: 'text' })
  status: RunStatus;

  @Column({ ...BIG_INTEGER, name: 'created_at' })
  createdAt: number;

  @Column({ ...BIG_INTEGER, name: 'started_at', nullable: true })
  startedAt: number | null;

  @Column({ ...BIG_INTEGER, name: 'finished_at', nullable: true })
  finishedAt: number | null;

  /** `{ [nodeId]: NodeState }` as JSON. */
  @Column({ type: 'text' })
  nodes: string;

  /** `{ node, message }` as JSON when the run failed. */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** `RunAttempt[]` as JSON: the workers that took the run, in order (more than one when one died under it). */
  @Column({ type: 'text', nullable: true })
  attempts: string | null;
}
