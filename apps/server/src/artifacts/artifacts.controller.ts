import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { UuidPipe } from '../common/id-pipes.js';
import { sendFile } from '../http/send-file.js';
import { RunArtifactStore } from './run-artifact-store.js';

@Controller('api/artifacts')
export class ArtifactsController {
  constructor(private readonly store: RunArtifactStore) {}

  @Get(':id')
  async download(@Param('id', UuidPipe) id: string, @Query('download') download: unknown, @Res() res: Response): Promise<void> {
    const { artifact, path } = await this.store.open(id);
    await sendFile(res, path, { mime: artifact.mime, name: artifact.name, attachment: download === '1' });
  }
}
