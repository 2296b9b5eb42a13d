import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import multer from 'multer';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { dataPaths } from '../config/data-paths.js';
import { AssetsController } from './assets.controller.js';
import { AssetsService } from './assets.service.js';

@Module({
  imports: [
    MulterModule.registerAsync({
      inject: [CONFIG],
      useFactory: (config: ServerConfig) => ({
        // Uploads stream to a temp file beside the store (same disk, so adopting is a rename), named by us.
        storage: multer.diskStorage({
          destination: join(dataPaths(config.dataDir).assets, 'tmp'),
          filename: (_req, _file, done) => done(null, randomUUID()),
        }),
        limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 10, parts: 12 },
        // Browsers send UTF-8 file names without saying so; latin1 (multer's default) would garble them.
        defParamCharset: 'utf8',
      }),
    }),
  ],
  controllers: [AssetsController],
  providers: [AssetsService],
  exports: [AssetsService],
})
export class AssetsModule {}
