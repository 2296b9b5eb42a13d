import { Controller, Get, Inject } from '@nestjs/common';
import type { WorkerView } from '@lvcd/nodes';
import { RUN_SCHEDULER, type RunScheduler } from '../runs/run-scheduler.js';

@Controller('api/workers')
export class WorkersController {
  constructor(@Inject(RUN_SCHEDULER) private readonly scheduler: RunScheduler) {}

  /** The processes that execute runs, as each last advertised itself: the embedded worker, or every `lvcd worker` on the queue. */
  @Get()
  list(): WorkerView[] {
    return this.scheduler.workers();
  }
}
