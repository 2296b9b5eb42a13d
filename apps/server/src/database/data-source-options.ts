import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/config.js';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * The same entities and migrations on either engine; the schema comes from migrations only.
 * SQLite: one file in WAL mode (TypeORM also turns foreign keys on). Postgres: a pool of connections to the URL.
 */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: ['error' as const] };
  if (database.kind === 'postgres') return { type: 'postgres', url: database.url, ...common };
  return { type: 'sqlite', database: database.file, enableWAL: true, busyTimeout: 5000, ...common };
}
