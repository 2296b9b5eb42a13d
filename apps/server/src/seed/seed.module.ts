import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';
import { DemoSeedService } from './demo-seed.service.js';

@Module({ imports: [AssetsModule, WorkflowsModule], providers: [DemoSeedService], exports: [DemoSeedService] })
export class SeedModule {}
