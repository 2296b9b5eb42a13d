import { Controller, Get, Inject } from '@nestjs/common';
import { detectProvider } from '@lvcd/models';
import { RUN_SCHEDULER, type RunScheduler } from '../runs/run-scheduler.js';
import { SERVER_VERSION } from '../version.js';

@Controller('api/health')
export class HealthController {
  constructor(@Inject(RUN_SCHEDULER) private readonly scheduler: RunScheduler) {}

  /**
   * `provider` is where models run: CUDA when ONNX Runtime's CUDA provider loads here, else the CPU.
   * `workers` are the processes that execute runs, with what each advertises.
   */
  @Get()
  async health() {
    return { ok: true as const, version: SERVER_VERSION, provider: await detectProvider('auto'), queue: this.scheduler.status(), workers: this.scheduler.workers() };
  }
}
