import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BIG_INTEGER } from './columns.js';

/** An uploaded file's record; the bytes live in the AssetStore under the same id (the sha256 of the bytes). */
@Entity('assets')
export class AssetEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  mime: string;

  @Column({ type: 'text' })
  kind: string;

  @Column(BIG_INTEGER)
  size: number;

  @Column({ ...BIG_INTEGER, name: 'created_at' })
  createdAt: number;
}
