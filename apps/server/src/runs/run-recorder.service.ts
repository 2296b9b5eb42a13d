import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunAttempt } from '@lvcd/nodes';
import type { ExecutionResult } from '@lvcd/nodes/runtime';
import { hostname } from 'node:os';
import { DataSource, In } from 'typeorm';
import { RunArtifactStore } from '../artifacts/run-artifact-store.js';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import { dataPaths } from '../config/data-paths.js';
import { DatabaseWriter } from '../database/database-writer.js';
import { RunEntity, type NodeState } from '../database/entities/index.js';
import { FrameSpool } from '../worker/frame-spool.js';
import { LiveRuns } from './live-runs.js';
import { RunEventWriter } from './run-event-writer.js';
import { RunEventsBus } from './run-events.js';
import type { RunEvent, RunOutcome, RunUpdateSink, WorkerRef } from './run-scheduler.js';
import type { RunError } from './run-views.js';

type FinalStatus = 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/**
 * The API side of every run, wherever it executes: claims it, persists what its worker reports, publishes
 * it to browsers and records the outcome, a lost worker included.
 */
@Injectable()
export class RunRecorder implements RunUpdateSink {
  private readonly logger = new Logger('RunRecorder');
  /** Set while the server stops: runs aborted then are interrupted, not cancelled, and can be re-queued. */
  private stopping = false;
  private readonly writers = new Map<string, RunEventWriter>();
  /** The write of each run's latest attempt, until the run ends. */
  private readonly attemptWrites = new Map<string, Promise<void>>();
  /** Runs claimed from a worker that died, until their new worker starts them. */
  private readonly handedOver = new Set<string>();
  readonly spool: FrameSpool;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly writer: DatabaseWriter,
    @Inject(CONFIG) config: ServerConfig,
    private readonly artifacts: RunArtifactStore,
    private readonly bus: RunEventsBus,
    private readonly live: LiveRuns,
  ) {
    this.spool = new FrameSpool(dataPaths(config.dataDir).spool);
  }

  markStopping(): void {
    this.stopping = true;
  }

  async claim(runId: string, takeover = false): Promise<boolean> {
    const run = await this.db.getRepository(RunEntity).findOneBy({ id: runId });
    if (!run) return false;
    if (run.status === 'running' && takeover) {
      // Its last worker died under it; this one resumes it, and the run keeps its start time.
      this.logger.log(`run ${runId} taken over from a worker that stopped`);
      this.handedOver.add(runId);
    } else {
      if (run.status !== 'queued') return false;
      const taken = await this.writer.write((db) => db.update(RunEntity, { id: runId, status: 'queued' }, { status: 'running', startedAt: Date.now() }));
      if (!taken.affected) return false;
    }
    const nodes = this.live.start(runId, JSON.parse(run.nodes) as Record<string, NodeState>);
    const persistNodes = async (states: Record<string, NodeState>) => {
      await this.writer.write((db) => db.update(RunEntity, { id: runId }, { nodes: JSON.stringify(states) }));
    };
    this.writers.set(runId, new RunEventWriter(runId, nodes, { bus: this.bus, artifacts: this.artifacts, persistNodes, takeFrame: (name) => this.spool.take(name) }));
    return true;
  }

  started(runId: string, worker: WorkerRef): void {
    this.logger.log(`run ${runId} started on worker ${worker.id} (pid ${worker.pid})`);
    const handover = this.handedOver.delete(runId);
    // Awaited by `ended`, so a run is never reported finished before its attempt is stored.
    this.attemptWrites.set(
      runId,
      this.addAttempt(runId, { worker: worker.id, host: hostname(), startedAt: Date.now() }, handover).catch((e: unknown) =>
        this.logger.warn(`run ${runId}: its attempt was not recorded: ${String(e)}`),
      ),
    );
    this.bus.broadcast('run:started', { runId });
  }

  /** Appends to the run's attempts; on a takeover the one before is marked handed over. */
  private async addAttempt(runId: string, attempt: RunAttempt, handover: boolean): Promise<void> {
    await this.writer.transaction(async (tx) => {
      const row = await tx.findOneBy(RunEntity, { id: runId });
      const attempts = row?.attempts ? (JSON.parse(row.attempts) as RunAttempt[]) : [];
      const last = attempts.at(-1);
      if (handover && last) last.handedOver = `its worker stopped during the run; ${attempt.worker} on ${attempt.host} resumed it`;
      attempts.push(attempt);
      await tx.update(RunEntity, { id: runId }, { attempts: JSON.stringify(attempts) });
    });
  }

  event(runId: string, event: RunEvent): void {
    this.writers.get(runId)?.push(event);
  }

  async ended(runId: string, outcome: RunOutcome, cancelled: boolean): Promise<void> {
    const writer = this.writers.get(runId);
    const nodes = this.live.nodes(runId);
    if (!writer || !nodes) throw new Error(`run ${runId} ended without being claimed`);
    this.writers.delete(runId);
    await this.attemptWrites.get(runId);
    this.attemptWrites.delete(runId);
    let status: FinalStatus;
    let error: RunError | undefined;
    try {
      await writer.drain();
      ({ status, error } = this.outcomeOf(runId, outcome, cancelled, nodes));
    } catch (e) {
      status = 'failed';
      error = { node: '', message: e instanceof Error ? e.message : String(e) };
      this.logger.warn(`run ${runId}: storing its results failed: ${error.message}`);
    }
    if (status === 'cancelled' && this.stopping) status = 'interrupted';
    cancelUnfinished(nodes);
    await this.writer.write((db) =>
      db.update(RunEntity, { id: runId }, { status, finishedAt: Date.now(), nodes: JSON.stringify(nodes), error: error ? JSON.stringify(error) : null }),
    );
    this.live.end(runId);
    await this.spool.clear(runId);
    this.bus.broadcast('run:finished', { runId, status, ...(error ? { error } : {}) });
  }

  /**
   * Fails a run that no worker will record (its queue job failed outside any run); once, however many API
   * instances are told: only the update that finds it unsettled publishes. `explain` words the failure from the
   * attempts on record (the workers lost under it); the nodes its last worker left running are settled as when
   * a run ends.
   */
  async abandoned(runId: string, explain: (attempts: RunAttempt[]) => string): Promise<void> {
    const run = await this.db.getRepository(RunEntity).findOneBy({ id: runId });
    if (!run || (run.status !== 'queued' && run.status !== 'running')) return;
    const error = { node: '', message: explain(run.attempts ? (JSON.parse(run.attempts) as RunAttempt[]) : []) };
    const nodes = JSON.parse(run.nodes) as Record<string, NodeState>;
    cancelUnfinished(nodes);
    const settled = await this.writer.write((db) =>
      db.update(
        RunEntity,
        { id: runId, status: In(['queued', 'running']) },
        { status: 'failed', finishedAt: Date.now(), nodes: JSON.stringify(nodes), error: JSON.stringify(error) },
      ),
    );
    if (settled.affected) this.bus.broadcast('run:finished', { runId, status: 'failed', error });
  }

  private outcomeOf(runId: string, outcome: RunOutcome, cancelled: boolean, nodes: Record<string, NodeState>): { status: FinalStatus; error?: RunError } {
    switch (outcome.kind) {
      case 'result':
        settleNodes(nodes, outcome.result);
        return { status: outcome.result.status, ...(outcome.result.error ? { error: outcome.result.error } : {}) };
      case 'error':
        this.logger.warn(`run ${runId} failed outside a node: ${outcome.error.message}`);
        return { status: 'failed', error: outcome.error };
      case 'lost': {
        // Killed after a cancel it did not honour in time: the user asked for the stop, so it is cancelled.
        if (cancelled) return { status: 'cancelled' };
        const { node, message } = outcome.error;
        this.logger.warn(`run ${runId}: ${message}`);
        if (node) {
          nodes[node] = { ...nodes[node], status: 'failed', message };
          this.bus.toRoom(runId, 'node:failed', { runId, node, message });
        }
        return { status: 'failed', error: outcome.error };
      }
    }
  }
}

/** Nodes a run never got to, or was inside when it ended, did not finish: they are cancelled. */
function cancelUnfinished(nodes: Record<string, NodeState>): void {
  for (const [id, state] of Object.entries(nodes)) {
    if (state.status === 'queued' || state.status === 'running') nodes[id] = { ...state, status: 'cancelled' };
  }
}

/** The executor's own timings are the authority for how long each node took. */
function settleNodes(nodes: Record<string, NodeState>, result: ExecutionResult): void {
  for (const [id, outcome] of Object.entries(result.nodes)) {
    nodes[id] = { ...nodes[id], status: outcome.status, ms: Math.round(outcome.ms) };
  }
}
