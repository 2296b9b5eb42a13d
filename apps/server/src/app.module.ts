import { Module, type DynamicModule } from '@nestjs/common';
import { ArtifactsModule } from './artifacts/artifacts.module.js';
import { AssetsModule } from './assets/assets.module.js';
import { CompareModule } from './compare/compare.module.js';
import { ConfigModule } from './config/config.module.js';
import type { ServerConfig } from './config/config.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { NodesModule } from './nodes/nodes.module.js';
import { PlanModule } from './plan/plan.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { ReproducibilityModule } from './reproducibility/reproducibility.module.js';
import { RunsModule } from './runs/runs.module.js';
import { RuntimeModule } from './runtime/runtime.module.js';
import { SecurityModule } from './security/security.module.js';
import { SeedModule } from './seed/seed.module.js';
import { WorkersModule } from './workers/workers.module.js';
import { WorkflowsModule } from './workflows/workflows.module.js';

@Module({})
export class AppModule {
  static forRoot(config: ServerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        SecurityModule,
        DatabaseModule,
        RuntimeModule,
        HealthModule,
        NodesModule,
        PlanModule,
        WorkflowsModule,
        RunsModule,
        WorkersModule,
        ArtifactsModule,
        AssetsModule,
        CompareModule,
        ReproducibilityModule,
        RealtimeModule,
        SeedModule,
      ],
    };
  }
}
