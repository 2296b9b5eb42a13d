import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { BIG_INTEGER } from './columns.js';

/** A file a run produced, copied out of the output cache into `<data>/runs/<runId>/` so eviction never loses it. */
@Entity('run_artifacts')
export class RunArtifactEntity {
  /** Orders a run's artefacts as they were produced. */
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'text', unique: true })
  id: string;

  @Column({ type: 'text', name: 'run_id' })
  runId: string;

  @Column({ type: 'text' })
  node: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  mime: string;

  @Column({ type: 'text' })
  kind: string;

  @Column(BIG_INTEGER)
  size: number;

  /** JSON object or null. */
  @Column({ type: 'text', nullable: true })
  meta: string | null;

  /** Path relative to the runs folder; built by the server, never from client input. */
  @Column({ type: 'text' })
  file: string;

  @Column({ ...BIG_INTEGER, name: 'created_at' })
  createdAt: number;
}
