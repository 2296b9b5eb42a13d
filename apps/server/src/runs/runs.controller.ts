import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { optionalPositiveInteger, optionalString, optionalStringList, queryInteger, requireObject } from '../common/body.js';
import { UuidPipe, isUuid } from '../common/id-pipes.js';
import { callerOf } from '../security/caller.js';
import { parseBatch } from './run-batch.js';
import { RunsService, type RunSource } from './runs.service.js';

@Controller('api/runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post()
  @HttpCode(202)
  create(@Body() raw: unknown, @Req() req: Request) {
    const body = requireObject(raw);
    const targets = optionalStringList(body, 'targets', 2000, 128);
    const socketId = optionalString(body, 'socketId', 64);
    const batch = parseBatch(body.batch);
    const options = { ...(targets ? { targets } : {}), ...(socketId ? { socketId } : {}), client: callerOf(req) };
    return batch ? this.runs.createBatch(sourceOf(body), batch, options) : this.runs.create(sourceOf(body), options);
  }

  @Get()
  list(@Query('limit') limit: unknown, @Query('offset') offset: unknown) {
    return this.runs.list(queryInteger(limit, 'limit', 50, 1, 500), queryInteger(offset, 'offset', 0, 0, 1_000_000_000));
  }

  @Get(':id')
  detail(@Param('id', UuidPipe) id: string) {
    return this.runs.detail(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id', UuidPipe) id: string) {
    return this.runs.cancel(id);
  }

  @Post(':id/requeue')
  @HttpCode(202)
  requeue(@Param('id', UuidPipe) id: string, @Req() req: Request) {
    return this.runs.requeue(id, callerOf(req));
  }
}

function sourceOf(body: Record<string, unknown>): RunSource {
  const hasDocument = body.document !== undefined;
  const hasWorkflow = body.workflowId !== undefined;
  if (hasDocument === hasWorkflow) throw new BadRequestException('give either "document" or "workflowId"');
  if (hasDocument) return { document: body.document };
  if (!isUuid(body.workflowId)) throw new BadRequestException('"workflowId" must be a workflow id');
  const version = optionalPositiveInteger(body, 'version');
  return { workflowId: body.workflowId, ...(version ? { version } : {}) };
}
