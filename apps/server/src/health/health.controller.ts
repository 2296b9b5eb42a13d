import { Controller, Get, Inject } from '@nestjs/common';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { RUN_SCHEDULER, type RunScheduler } from '../runs/run-scheduler.js';
import { SERVER_VERSION } from '../version.js';

@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(CONFIG) private readonly config: ServerConfig,
    @Inject(RUN_SCHEDULER) private readonly scheduler: RunScheduler,
  ) {}

  @Get()
  health() {
    return { ok: true as const, version: SERVER_VERSION, provider: this.config.provider, queue: this.scheduler.status() };
  }
}
