import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { DatabaseWriter } from './database-writer.js';
import { dataSourceOptions } from './data-source-options.js';
import { openDatabase } from './open-database.js';

/** Global so that every service that writes reaches the one DatabaseWriter without importing a module for it. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (config: ServerConfig) => {
        mkdirSync(config.dataDir, { recursive: true });
        // One failed connect is final: retrying a broken or locked file, or a server that refuses us, only delays the error.
        return { ...dataSourceOptions(config.database), retryAttempts: 0 };
      },
      dataSourceFactory: async (options) => openDatabase(options!),
    }),
  ],
  providers: [DatabaseWriter],
  exports: [DatabaseWriter],
})
export class DatabaseModule {}
