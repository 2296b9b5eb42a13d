import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Which workers executed a run, in order: a run resumed by another worker after its first one died shows the handover. */
export class RunAttempts1733100000000 implements MigrationInterface {
  name = 'RunAttempts1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('runs', new TableColumn({ name: 'attempts', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('runs', 'attempts');
  }
}
