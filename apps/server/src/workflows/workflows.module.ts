import { Module } from '@nestjs/common';
import { SeededWorkflows } from './seeded-workflows.js';
import { WorkflowsController } from './workflows.controller.js';
import { WorkflowsService } from './workflows.service.js';

@Module({ controllers: [WorkflowsController], providers: [WorkflowsService, SeededWorkflows], exports: [WorkflowsService, SeededWorkflows] })
export class WorkflowsModule {}
