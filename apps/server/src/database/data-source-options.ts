import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

/** One SQLite file in WAL mode (TypeORM also turns foreign keys on for SQLite); the schema comes from migrations only. */
export function dataSourceOptions(databaseFile: string): DataSourceOptions {
  return {
    type: 'sqlite',
    database: databaseFile,
    enableWAL: true,
    busyTimeout: 5000,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    logging: ['error'],
  };
}
