import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module.js';
import { WorkersController } from './workers.controller.js';

@Module({ imports: [RunsModule], controllers: [WorkersController] })
export class WorkersModule {}
