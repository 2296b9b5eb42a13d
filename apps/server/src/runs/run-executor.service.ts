import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { WorkflowInvalidError, describeProblem } from '@lvcd/nodes';
import { executeWorkflow, type ExecutionResult } from '@lvcd/nodes/runtime';
import { DataSource } from 'typeorm';
import { RunArtifactStore } from '../artifacts/run-artifact-store.js';
import { RunEntity, type NodeState } from '../database/entities/index.js';
import { RUNTIME } from '../runtime/runtime.module.js';
import type { Runtime } from '../runtime/runtime.js';
import { LiveRuns } from './live-runs.js';
import { RunEventWriter } from './run-event-writer.js';
import { RunEventsBus } from './run-events.js';
import type { RunError } from './run-views.js';

type FinalStatus = 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/** Executes one queued run (the scheduler's worker): marks it running, runs the executor, records the outcome. */
@Injectable()
export class RunExecutorService {
  private readonly logger = new Logger('RunExecutor');
  /** Set while the server stops: runs aborted then are interrupted, not cancelled, and can be re-queued. */
  private stopping = false;
  /** Runs executing now; the cache is pruned only when none is, since a running run reads its inputs from it. */
  private readonly active = new Set<string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly artifacts: RunArtifactStore,
    private readonly bus: RunEventsBus,
    private readonly live: LiveRuns,
  ) {}

  markStopping(): void {
    this.stopping = true;
  }

  async execute(runId: string, signal: AbortSignal): Promise<void> {
    const runs = this.db.getRepository(RunEntity);
    const run = await runs.findOneBy({ id: runId });
    if (!run || run.status !== 'queued') return; // cancelled or removed while it waited
    const startedAt = Date.now();
    this.active.add(runId);
    try {
      await this.executeClaimed(run, startedAt, signal);
    } finally {
      this.active.delete(runId);
    }
    if (this.active.size === 0) {
      // The run's artefacts are linked out of the cache by now, so any entry may go.
      await this.runtime.cache.prune().catch((e: unknown) => this.logger.warn(`cache prune failed: ${String(e)}`));
    }
  }

  private async executeClaimed(run: RunEntity, startedAt: number, signal: AbortSignal): Promise<void> {
    const runs = this.db.getRepository(RunEntity);
    const runId = run.id;
    await runs.update({ id: runId }, { status: 'running', startedAt });
    const nodes = this.live.start(runId, JSON.parse(run.nodes) as Record<string, NodeState>);
    this.bus.broadcast('run:started', { runId });

    const persistNodes = (states: Record<string, NodeState>) => runs.update({ id: runId }, { nodes: JSON.stringify(states) }).then(() => undefined);
    const writer = new RunEventWriter(runId, nodes, { bus: this.bus, artifacts: this.artifacts, persistNodes });
    let status: FinalStatus;
    let error: RunError | undefined;
    try {
      const result = await executeWorkflow(
        { document: JSON.parse(run.document), ...(run.targets ? { targets: JSON.parse(run.targets) as string[] } : {}), signal, onEvent: (e) => writer.push(e) },
        this.runtime,
      );
      await writer.drain();
      settleNodes(nodes, result);
      ({ status, error } = result);
    } catch (e) {
      await writer.drain().catch(() => undefined);
      status = 'failed';
      error = errorOf(e);
      if (!(e instanceof WorkflowInvalidError)) this.logger.warn(`run ${runId} failed outside a node: ${error.message}`);
    }
    if (status === 'cancelled' && this.stopping) status = 'interrupted';
    for (const [id, state] of Object.entries(nodes)) {
      if (state.status === 'queued' || state.status === 'running') nodes[id] = { ...state, status: 'cancelled' };
    }
    await runs.update(
      { id: runId },
      { status, finishedAt: Date.now(), nodes: JSON.stringify(nodes), error: error ? JSON.stringify(error) : null },
    );
    this.live.end(runId);
    this.bus.broadcast('run:finished', { runId, status, ...(error ? { error } : {}) });
  }
}

/** The executor's own timings are the authority for how long each node took. */
function settleNodes(nodes: Record<string, NodeState>, result: ExecutionResult): void {
  for (const [id, outcome] of Object.entries(result.nodes)) {
    nodes[id] = { ...nodes[id], status: outcome.status, ms: Math.round(outcome.ms) };
  }
}

function errorOf(e: unknown): RunError {
  if (e instanceof WorkflowInvalidError) {
    return { node: e.problems.find((p) => p.node)?.node ?? '', message: e.problems.map(describeProblem).join('; ') };
  }
  return { node: '', message: e instanceof Error ? e.message : String(e) };
}
