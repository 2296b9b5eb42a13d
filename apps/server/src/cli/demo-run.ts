import type { INestApplication } from '@nestjs/common';
import { RunsService } from '../runs/runs.service.js';
import { DemoSeedService } from '../seed/demo-seed.service.js';

/** `lvcd serve --run-demo` (what `npm start` runs): the demo workflow, created on first start, queued once more. */
export async function queueDemoRun(app: INestApplication, url: string): Promise<void> {
  const workflowId = await app.get(DemoSeedService).ensureDemoWorkflow();
  const run = await app.get(RunsService).create({ workflowId });
  console.log(`\n  Open ${url} to watch the demo workflow (run ${run.id}) colour its clip.\n`);
}
