import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseWriter } from '../database/database-writer.js';
import { RunEntity } from '../database/entities/index.js';
import { RunRecorder } from './run-recorder.service.js';
import { RunsService } from './runs.service.js';

/**
 * Picks up after the last process: a run it left `running` died with it and becomes `interrupted`
 * (re-queue it to try again); runs it left `queued` go back on the queue in their original order.
 */
@Injectable()
export class RunRecoveryService implements OnApplicationBootstrap {
  private readonly logger = new Logger('RunRecovery');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly writer: DatabaseWriter,
    private readonly runs: RunsService,
    private readonly recorder: RunRecorder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Frames the last process never sent belong to runs that are over.
    await this.recorder.spool.clearAll();
    const interrupted = await this.writer.write((db) =>
      db.update(RunEntity, { status: 'running' }, { status: 'interrupted', finishedAt: Date.now(), error: JSON.stringify({ node: '', message: 'the server stopped during this run; re-queue it to run again' }) }),
    );
    const queued = await this.db.getRepository(RunEntity).find({ where: { status: 'queued' }, order: { seq: 'ASC' }, select: ['id'] });
    for (const run of queued) await this.runs.resume(run.id);
    if (interrupted.affected || queued.length) this.logger.log(`${interrupted.affected ?? 0} run(s) interrupted, ${queued.length} re-queued`);
  }
}
