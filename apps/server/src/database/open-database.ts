import { DataSource, type DataSourceOptions } from 'typeorm';
import { describeDatabase } from '../config/config.js';

/** Any 64-bit number every process agrees on; this one spells "LVCD". */
const MIGRATION_LOCK = 0x4c564344;

/**
 * Connects and brings the schema up to date. The error names the database (never a password), so a
 * wrong LVCD_DATABASE_URL reads as such rather than as a bare "connection refused".
 */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const db = new DataSource({ ...options, migrationsRun: false });
  try {
    await db.initialize();
  } catch (e) {
    const database = options.type === 'postgres' ? { kind: 'postgres' as const, url: options.url ?? '' } : { kind: 'sqlite' as const, file: String(options.database) };
    throw new Error(`could not open ${describeDatabase(database)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return db;
}

/**
 * API processes that start together against one new Postgres database would each create the tables, and all
 * but one fail; a session lock lets one migrate while the others wait, then find nothing left to do.
 * SQLite is one process's file, opened in order.
 */
async function migrate(db: DataSource): Promise<void> {
  if (db.options.type !== 'postgres') {
    await db.runMigrations();
    return;
  }
  const session = db.createQueryRunner();
  try {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await db.runMigrations();
    } finally {
      // Released by hand: the connection goes back to the pool, and a session lock would go with it.
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await session.release();
  }
}
