import { BadRequestException, Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { OUTPUT_KINDS, RUN_STATUSES } from '@lvcd/nodes';
import { queryChoice, queryInteger } from '../common/body.js';
import { isUuid, UuidPipe } from '../common/id-pipes.js';
import { sendFile } from '../http/send-file.js';
import { OutputListing } from './output-listing.js';
import { RunArtifactStore } from './run-artifact-store.js';

@Controller('api/artifacts')
export class ArtifactsController {
  constructor(
    private readonly store: RunArtifactStore,
    private readonly outputs: OutputListing,
  ) {}

  /** The outputs gallery: images and videos of every run, newest first, filtered by kind, workflow and run status. */
  @Get()
  list(@Query('kind') kind: unknown, @Query('workflow') workflow: unknown, @Query('status') status: unknown, @Query('limit') limit: unknown, @Query('offset') offset: unknown) {
    if (workflow !== undefined && !isUuid(workflow)) throw new BadRequestException('"workflow" must be a workflow id (a UUID)');
    const kindFilter = queryChoice(kind, 'kind', OUTPUT_KINDS);
    const statusFilter = queryChoice(status, 'status', RUN_STATUSES);
    return this.outputs.list({
      ...(kindFilter ? { kind: kindFilter } : {}),
      ...(workflow ? { workflowId: workflow } : {}),
      ...(statusFilter ? { status: statusFilter } : {}),
      limit: queryInteger(limit, 'limit', 60, 1, 200),
      offset: queryInteger(offset, 'offset', 0, 0, 1_000_000_000),
    });
  }

  @Get(':id')
  async download(@Param('id', UuidPipe) id: string, @Query('download') download: unknown, @Res() res: Response): Promise<void> {
    const { artifact, path } = await this.store.open(id);
    await sendFile(res, path, { mime: artifact.mime, name: artifact.name, attachment: download === '1' });
  }
}
