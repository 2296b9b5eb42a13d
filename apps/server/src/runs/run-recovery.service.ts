import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { DatabaseWriter } from '../database/database-writer.js';
import { RunEntity } from '../database/entities/index.js';
import { RunRecorder } from './run-recorder.service.js';
import { RUN_SCHEDULER, type RunScheduler } from './run-scheduler.js';
import { RunsService } from './runs.service.js';

/**
 * Picks up after the last process: a run left `running` that no worker holds any more died with it and
 * becomes `interrupted` (re-queue it to try again); runs left `queued` go back on the queue in their original
 * order. In scale-out mode the queue still holds the runs other workers execute, and those are left alone.
 */
@Injectable()
export class RunRecoveryService implements OnApplicationBootstrap {
  private readonly logger = new Logger('RunRecovery');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly writer: DatabaseWriter,
    private readonly runs: RunsService,
    private readonly recorder: RunRecorder,
    @Inject(RUN_SCHEDULER) private readonly scheduler: RunScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const repo = this.db.getRepository(RunEntity);
    const running = await repo.find({ where: { status: 'running' }, select: ['id'] });
    const held = new Set<string>();
    for (const { id } of running) if (await this.scheduler.holds(id)) held.add(id);
    const lost = running.map((r) => r.id).filter((id) => !held.has(id));
    if (lost.length) {
      await this.writer.write((db) =>
        db.update(RunEntity, { id: In(lost), status: 'running' }, { status: 'interrupted', finishedAt: Date.now(), error: JSON.stringify({ node: '', message: 'the server stopped during this run; re-queue it to run again' }) }),
      );
    }
    // Frames never sent belong to runs that are over.
    await this.recorder.spool.clearAllBut(held);
    const queued = await repo.find({ where: { status: 'queued' }, order: { seq: 'ASC' }, select: ['id'] });
    for (const run of queued) await this.runs.resume(run.id);
    if (lost.length || queued.length) this.logger.log(`${lost.length} run(s) interrupted, ${queued.length} re-queued`);
  }
}
