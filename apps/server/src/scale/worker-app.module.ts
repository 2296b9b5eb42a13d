import { Module, type DynamicModule } from '@nestjs/common';
import { RunArtifactStore } from '../artifacts/run-artifact-store.js';
import { ConfigModule } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { DatabaseModule } from '../database/database.module.js';
import { LiveRuns } from '../runs/live-runs.js';
import { RunEventsBus } from '../runs/run-events.js';
import { RunRecorder } from '../runs/run-recorder.service.js';

/**
 * What an `lvcd worker` process needs of the server to record the runs it executes: the database, the
 * artefact store and the recorder, the same services the embedded server records with. No HTTP, no sockets.
 */
@Module({})
export class WorkerAppModule {
  static forRoot(config: ServerConfig): DynamicModule {
    return {
      module: WorkerAppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule],
      providers: [RunArtifactStore, RunEventsBus, LiveRuns, RunRecorder],
      exports: [RunRecorder, RunEventsBus],
    };
  }
}
