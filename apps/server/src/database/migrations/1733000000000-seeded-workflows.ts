import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Which saved workflows the studio seeded itself (the demo, the LVCD template), by seed: seeding looks them up
 * by seed rather than by name, so a rename never makes it seed again, and the API keeps them as they came.
 * Written with TypeORM's Table API only, so the same migration runs on SQLite and Postgres.
 */
export class SeededWorkflows1733000000000 implements MigrationInterface {
  name = 'SeededWorkflows1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'seeded_workflows',
        columns: [
          { name: 'seed', type: 'text', isPrimary: true },
          { name: 'workflow_id', type: 'text', isNullable: false, isUnique: true },
        ],
        foreignKeys: [{ columnNames: ['workflow_id'], referencedTableName: 'workflows', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('seeded_workflows');
  }
}
