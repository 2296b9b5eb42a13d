import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BIG_INTEGER } from './columns.js';

/** A saved workflow: its name and the number of its latest version. The documents live in WorkflowVersionEntity. */
@Entity('workflows')
export class WorkflowEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'integer', name: 'latest_version' })
  latestVersion: number;

  /** Epoch milliseconds. */
  @Column({ ...BIG_INTEGER, name: 'created_at' })
  createdAt: number;

  @Column({ ...BIG_INTEGER, name: 'updated_at' })
  updatedAt: number;
}
