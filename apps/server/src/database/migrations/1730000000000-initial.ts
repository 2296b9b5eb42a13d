import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The first schema. Foreign keys cascade so deleting a workflow or run takes its dependants with it. */
export class Initial1730000000000 implements MigrationInterface {
  name = 'Initial1730000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "workflows" (
      "id" text PRIMARY KEY NOT NULL,
      "name" text NOT NULL,
      "latest_version" integer NOT NULL,
      "created_at" integer NOT NULL,
      "updated_at" integer NOT NULL)`);
    await q.query(`CREATE INDEX "idx_workflows_updated" ON "workflows" ("updated_at")`);
    await q.query(`CREATE TABLE "workflow_versions" (
      "workflow_id" text NOT NULL REFERENCES "workflows" ("id") ON DELETE CASCADE,
      "version" integer NOT NULL,
      "name" text NOT NULL,
      "document" text NOT NULL,
      "created_at" integer NOT NULL,
      PRIMARY KEY ("workflow_id", "version"))`);
    await q.query(`CREATE TABLE "runs" (
      "seq" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "id" text NOT NULL UNIQUE,
      "workflow_id" text REFERENCES "workflows" ("id") ON DELETE SET NULL,
      "workflow_name" text,
      "workflow_version" integer,
      "document" text NOT NULL,
      "targets" text,
      "status" text NOT NULL CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
      "created_at" integer NOT NULL,
      "started_at" integer,
      "finished_at" integer,
      "nodes" text NOT NULL,
      "error" text)`);
    await q.query(`CREATE INDEX "idx_runs_status" ON "runs" ("status")`);
    await q.query(`CREATE TABLE "run_artifacts" (
      "seq" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "id" text NOT NULL UNIQUE,
      "run_id" text NOT NULL REFERENCES "runs" ("id") ON DELETE CASCADE,
      "node" text NOT NULL,
      "name" text NOT NULL,
      "mime" text NOT NULL,
      "kind" text NOT NULL,
      "size" integer NOT NULL,
      "meta" text,
      "file" text NOT NULL,
      "created_at" integer NOT NULL)`);
    await q.query(`CREATE INDEX "idx_run_artifacts_run" ON "run_artifacts" ("run_id")`);
    await q.query(`CREATE TABLE "assets" (
      "id" text PRIMARY KEY NOT NULL,
      "name" text NOT NULL,
      "mime" text NOT NULL,
      "kind" text NOT NULL,
      "size" integer NOT NULL,
      "created_at" integer NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['assets', 'run_artifacts', 'runs', 'workflow_versions', 'workflows']) await q.query(`DROP TABLE "${table}"`);
  }
}
