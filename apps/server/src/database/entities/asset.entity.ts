import { Column, Entity, PrimaryColumn } from 'typeorm';

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

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'integer', name: 'created_at' })
  createdAt: number;
}
