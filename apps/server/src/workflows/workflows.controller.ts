import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import type { Problem } from '@lvcd/nodes';
import { optionalString, requireObject, requireString } from '../common/body.js';
import { PositiveIntPipe, UuidPipe } from '../common/id-pipes.js';
import { RUNTIME } from '../runtime/runtime.module.js';
import type { Runtime } from '../runtime/runtime.js';
import { problemsOf } from './check-document.js';
import { SeededWorkflows } from './seeded-workflows.js';
import { WorkflowsService } from './workflows.service.js';

const MAX_NAME = 200;

@Controller('api/workflows')
export class WorkflowsController {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly seeded: SeededWorkflows,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Get()
  async list() {
    return this.seeded.label(await this.workflows.list());
  }

  @Post()
  create(@Body() raw: unknown) {
    const body = requireObject(raw);
    return this.workflows.create(requireString(body, 'name', MAX_NAME), body.document);
  }

  /** Every problem at once, including assets missing from the store; 200 even when there are problems. */
  @Post('validate')
  @HttpCode(200)
  validate(@Body() raw: unknown): { problems: Problem[] } {
    const body = requireObject(raw);
    return { problems: problemsOf(this.runtime, body.document).problems };
  }

  @Get(':id')
  async get(@Param('id', UuidPipe) id: string) {
    const [saved] = await this.seeded.label([await this.workflows.get(id)]);
    return saved;
  }

  @Put(':id')
  async update(@Param('id', UuidPipe) id: string, @Body() raw: unknown) {
    const body = requireObject(raw);
    await this.seeded.assertChangeable(id, 'overwrite');
    return this.workflows.update(id, optionalString(body, 'name', MAX_NAME), body.document);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', UuidPipe) id: string): Promise<void> {
    await this.seeded.assertChangeable(id, 'delete');
    await this.workflows.remove(id);
  }

  @Get(':id/versions')
  versions(@Param('id', UuidPipe) id: string) {
    return this.workflows.versions(id);
  }

  @Get(':id/versions/:version')
  version(@Param('id', UuidPipe) id: string, @Param('version', PositiveIntPipe) version: number) {
    return this.workflows.version(id, version);
  }
}
