import { Inject, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module.js';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { RunQuota } from '../security/run-quota.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';
import { FifoRunScheduler } from './fifo-run-scheduler.js';
import { LiveRuns } from './live-runs.js';
import { RunEventsBus } from './run-events.js';
import { RunExecutorService } from './run-executor.service.js';
import { RunRecoveryService } from './run-recovery.service.js';
import { RUN_SCHEDULER, type RunScheduler } from './run-scheduler.js';
import { RunsController } from './runs.controller.js';
import { RunsService } from './runs.service.js';

@Module({
  imports: [WorkflowsModule, ArtifactsModule],
  controllers: [RunsController],
  providers: [
    RunsService,
    RunExecutorService,
    RunRecoveryService,
    LiveRuns,
    RunEventsBus,
    {
      provide: RunQuota,
      inject: [CONFIG, RunEventsBus],
      useFactory: (config: ServerConfig, bus: RunEventsBus) => {
        const quota = new RunQuota(config.security.maxQueuedRunsPerClient);
        // A run leaves the queue when it starts, or ends without starting (cancelled while queued).
        bus.onBroadcast((event, payload) => {
          if (event === 'run:started' || event === 'run:finished') quota.release((payload as { runId: string }).runId);
        });
        return quota;
      },
    },
    {
      provide: RUN_SCHEDULER,
      inject: [CONFIG, RunExecutorService],
      useFactory: (config: ServerConfig, executor: RunExecutorService) => new FifoRunScheduler(config.concurrency, (id, signal) => executor.execute(id, signal)),
    },
  ],
  exports: [RunsService, RunEventsBus, RUN_SCHEDULER],
})
export class RunsModule implements BeforeApplicationShutdown {
  constructor(
    @Inject(RUN_SCHEDULER) private readonly scheduler: RunScheduler,
    private readonly executor: RunExecutorService,
  ) {}

  /** Before the database closes: abort what runs and wait, so those runs are recorded as interrupted. */
  async beforeApplicationShutdown(): Promise<void> {
    this.executor.markStopping();
    await this.scheduler.shutdown();
  }
}
