import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module.js';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { RUNTIME } from '../runtime/runtime.module.js';
import { runtimeSettings, type Runtime } from '../runtime/runtime.js';
import { RunQuota } from '../security/run-quota.js';
import { createQueueScheduler } from '../scale/create-queue-scheduler.js';
import { workerEntry } from '../worker/entry.js';
import { WorkerSupervisor } from '../worker/worker-supervisor.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';
import { FifoRunScheduler } from './fifo-run-scheduler.js';
import { InServerExecutor } from './in-server-executor.js';
import { LiveRuns } from './live-runs.js';
import type { RunExecutor } from './run-executor.js';
import { RunEventsBus } from './run-events.js';
import { RunRecorder } from './run-recorder.service.js';
import { RunRecoveryService } from './run-recovery.service.js';
import { RUN_SCHEDULER, type RunScheduler } from './run-scheduler.js';
import { RunsController } from './runs.controller.js';
import { RunsService } from './runs.service.js';

function executorFor(config: ServerConfig, runtime: Runtime): RunExecutor {
  if (config.runsIn === 'server') return new InServerExecutor(runtime);
  return new WorkerSupervisor({
    entry: workerEntry(),
    settings: runtimeSettings(config),
    concurrency: config.concurrency,
    cancelGraceMs: config.cancelGraceMs,
    titleOf: (type) => runtime.registry.get(type)?.title ?? type,
  });
}

@Module({
  imports: [WorkflowsModule, ArtifactsModule],
  controllers: [RunsController],
  providers: [
    RunsService,
    RunRecorder,
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
      inject: [CONFIG, RUNTIME, RunRecorder, RunEventsBus],
      useFactory: async (config: ServerConfig, runtime: Runtime, recorder: RunRecorder, bus: RunEventsBus): Promise<RunScheduler> => {
        const { redisUrl } = config;
        if (redisUrl) return createQueueScheduler({ ...config, redisUrl }, runtime, bus, recorder);
        return new FifoRunScheduler(config.concurrency, executorFor(config, runtime), recorder);
      },
    },
  ],
  exports: [RunsService, RunEventsBus, RUN_SCHEDULER],
})
export class RunsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(RUN_SCHEDULER) private readonly scheduler: RunScheduler,
    private readonly recorder: RunRecorder,
  ) {}

  /** The worker starts with the server, so the first run does not wait for it. */
  onApplicationBootstrap(): void {
    this.scheduler.start();
  }

  /** Before the database closes: stop what runs and wait, so those runs are recorded as interrupted. */
  async beforeApplicationShutdown(): Promise<void> {
    this.recorder.markStopping();
    await this.scheduler.shutdown();
  }
}
