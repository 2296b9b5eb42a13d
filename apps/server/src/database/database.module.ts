import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { dataPaths } from '../config/data-paths.js';
import { dataSourceOptions } from './data-source-options.js';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (config: ServerConfig) => {
        mkdirSync(config.dataDir, { recursive: true });
        // One failed connect is final: retrying a broken or locked file only delays the error.
        return { ...dataSourceOptions(dataPaths(config.dataDir).database), retryAttempts: 0 };
      },
    }),
  ],
})
export class DatabaseModule {}
