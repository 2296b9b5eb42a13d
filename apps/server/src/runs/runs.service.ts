import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { describeProblem, planRun, type Problem, type RunAttempt, type RunPlan, type WorkflowDocument } from '@lvcd/nodes';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RunArtifactStore } from '../artifacts/run-artifact-store.js';
import { DatabaseWriter } from '../database/database-writer.js';
import { RunEntity, type NodeState, type RunStatus } from '../database/entities/index.js';
import { RUNTIME } from '../runtime/runtime.module.js';
import type { Runtime } from '../runtime/runtime.js';
import { RunQuota } from '../security/run-quota.js';
import { WorkflowsService } from '../workflows/workflows.service.js';
import { LiveRuns } from './live-runs.js';
import { RunEventsBus } from './run-events.js';
import { batchDocuments, type RunBatch } from './run-batch.js';
import { RUN_SCHEDULER, type RunScheduler } from './run-scheduler.js';
import { runSummary, thumbnailOf, type RunDetail, type RunSummary } from './run-views.js';

/** Where a new run's document comes from: sent inline, or a saved workflow (latest version by default). */
export type RunSource = { document: unknown } | { workflowId: string; version?: number };

export interface RunOptions {
  targets?: string[];
  /** A Socket.IO client to subscribe to the run before it is queued. */
  socketId?: string;
  /** Who asked (session, token or address), for the per-client queue limit; absent for internal runs. */
  client?: string;
}

interface Snapshot {
  plan: RunPlan;
  /** The targets the client asked for (stored with the run); absent means every output node. */
  targets?: string[];
  workflowId: string | null;
  workflowName: string | null;
  workflowVersion: number | null;
}

@Injectable()
export class RunsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly writer: DatabaseWriter,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(RUN_SCHEDULER) private readonly scheduler: RunScheduler,
    private readonly workflows: WorkflowsService,
    private readonly artifacts: RunArtifactStore,
    private readonly live: LiveRuns,
    private readonly bus: RunEventsBus,
    private readonly quota: RunQuota,
  ) {}

  async create(source: RunSource, options: RunOptions = {}): Promise<{ id: string; status: 'queued' }> {
    return this.queue(await this.snapshotOf(source, options.targets), options.socketId, options.client);
  }

  /**
   * ComfyUI's batch count: the workflow queued `batch.count` times, the varied param stepped per run. Every run
   * is planned and counted against the client's quota before the first is queued, so the batch goes in whole.
   */
  async createBatch(source: RunSource, batch: RunBatch, options: RunOptions = {}): Promise<{ ids: string[]; status: 'queued' }> {
    const { targets, socketId, client } = options;
    const base = await this.snapshotOf(source, targets);
    const snapshots = batchDocuments(base.plan.document, batch, this.runtime.registry.specs).map((document) => ({ ...base, plan: this.runnable(document, targets) }));
    const ids = snapshots.map(() => randomUUID());
    if (client) {
      this.quota.check(client, ids.length);
      for (const id of ids) this.quota.add(client, id);
    }
    for (const [i, snapshot] of snapshots.entries()) {
      await this.queueReserved(ids[i]!, snapshot, socketId).catch((e: unknown) => {
        for (const id of ids.slice(i)) this.quota.release(id);
        throw e;
      });
    }
    return { ids, status: 'queued' };
  }

  private async snapshotOf(source: RunSource, targets: string[] | undefined): Promise<Snapshot> {
    if ('document' in source) {
      const plan = this.runnable(source.document, targets);
      // An unsaved workflow is still named in the history, by the name the editor keeps in its meta.
      const { name: metaName } = plan.document.meta;
      const name = typeof metaName === 'string' && metaName.trim() ? metaName.trim().slice(0, 200) : null;
      return { plan, ...(targets ? { targets } : {}), workflowId: null, workflowName: name, workflowVersion: null };
    }
    const saved = source.version ? await this.workflows.version(source.workflowId, source.version) : await this.workflows.get(source.workflowId);
    return { plan: this.runnable(saved.document, targets), ...(targets ? { targets } : {}), workflowId: saved.id, workflowName: saved.name, workflowVersion: saved.version };
  }

  /** A new run with the same snapshot; checked again, since an asset it names may have gone since. */
  async requeue(id: string, client?: string): Promise<{ id: string; status: 'queued' }> {
    const run = await this.find(id);
    if (run.status === 'queued' || run.status === 'running') throw new ConflictException(`run ${id} is still ${run.status}`);
    const targets = run.targets ? (JSON.parse(run.targets) as string[]) : undefined;
    return this.queue({
      plan: this.runnable(JSON.parse(run.document), targets),
      ...(targets ? { targets } : {}),
      workflowId: run.workflowId,
      workflowName: run.workflowName,
      workflowVersion: run.workflowVersion,
    }, undefined, client);
  }

  async list(limit: number, offset: number): Promise<RunSummary[]> {
    const rows = await this.db.getRepository(RunEntity).find({ order: { seq: 'DESC' }, take: limit, skip: offset });
    const artifacts = await this.artifacts.listByRun(rows.map((r) => r.id));
    return rows.map((r) => runSummary(r, thumbnailOf(artifacts.get(r.id)!)));
  }

  async detail(id: string): Promise<RunDetail> {
    const run = await this.find(id);
    const artifacts = (await this.artifacts.listByRun([id])).get(id)!;
    const nodes = this.live.nodes(id) ?? (JSON.parse(run.nodes) as Record<string, NodeState>);
    const attempts = run.attempts ? { attempts: JSON.parse(run.attempts) as RunAttempt[] } : {};
    return { ...runSummary(run, thumbnailOf(artifacts)), document: JSON.parse(run.document) as WorkflowDocument, nodes: structuredClone(nodes), artifacts, ...attempts };
  }

  /** A queued run is cancelled at once; a running one is aborted and ends cancelled at its next check. */
  async cancel(id: string): Promise<{ id: string; status: RunStatus }> {
    const run = await this.find(id);
    if (run.status !== 'queued' && run.status !== 'running') throw new ConflictException(`run ${id} already ended (${run.status})`);
    const outcome = await this.scheduler.cancel(id);
    if (outcome === 'aborted') return { id, status: 'running' };
    // Dequeued, or a queued row the scheduler never had: either way it will not run now.
    const nodes = JSON.parse(run.nodes) as Record<string, NodeState>;
    for (const nodeId of Object.keys(nodes)) nodes[nodeId] = { status: 'cancelled' };
    await this.writer.write((db) => db.update(RunEntity, { id, status: 'queued' }, { status: 'cancelled', finishedAt: Date.now(), nodes: JSON.stringify(nodes) }));
    this.bus.broadcast('run:finished', { runId: id, status: 'cancelled' });
    return { id, status: 'cancelled' };
  }

  /**
   * Puts a run the last process left queued back on the scheduler, planned again from its stored snapshot;
   * one that can no longer run (an asset it names is gone) fails with the problems.
   */
  async resume(id: string): Promise<void> {
    const run = await this.find(id);
    const targets = run.targets ? (JSON.parse(run.targets) as string[]) : undefined;
    const { plan, problems } = planRun(JSON.parse(run.document), this.runtime.registry, { ...(targets ? { targets } : {}), assetExists: (a) => this.runtime.assets.exists(a) });
    if (plan) return this.schedule(id, plan);
    const error = { node: problems.find((p) => p.node)?.node ?? '', message: `the run cannot run any more: ${problems.map(describeProblem).join('; ')}` };
    await this.writer.write((db) => db.update(RunEntity, { id, status: 'queued' }, { status: 'failed', finishedAt: Date.now(), error: JSON.stringify(error) }));
    this.bus.broadcast('run:finished', { runId: id, status: 'failed', error });
  }

  private async schedule(runId: string, plan: RunPlan): Promise<void> {
    const position = await this.scheduler.enqueue({ runId, plan });
    this.bus.broadcast('run:queued', { runId, position });
  }

  private async queue(snapshot: Snapshot, socketId?: string, client?: string): Promise<{ id: string; status: 'queued' }> {
    const id = randomUUID();
    // Reserved before the first await, so concurrent submissions cannot all slip under the limit.
    if (client) {
      this.quota.check(client);
      this.quota.add(client, id);
    }
    return this.queueReserved(id, snapshot, socketId);
  }

  /** Queues a run whose quota share (if it has a client) is already reserved; a refused run gives it back. */
  private async queueReserved(id: string, snapshot: Snapshot, socketId?: string): Promise<{ id: string; status: 'queued' }> {
    const nodes: Record<string, NodeState> = Object.fromEntries(snapshot.plan.order.map((n) => [n, { status: 'queued' }]));
    const refusal = await this.scheduler.refusal({ runId: id, plan: snapshot.plan });
    if (refusal) {
      this.quota.release(id);
      throw new ServiceUnavailableException(`the run was refused: ${refusal}`);
    }
    await this.insertRun(id, snapshot, nodes).catch((e: unknown) => {
      this.quota.release(id);
      throw e;
    });
    if (socketId) this.bus.join(id, socketId);
    await this.schedule(id, snapshot.plan);
    return { id, status: 'queued' };
  }

  private async insertRun(id: string, snapshot: Snapshot, nodes: Record<string, NodeState>): Promise<void> {
    await this.writer.write((db) => db.insert(RunEntity, {
      id,
      workflowId: snapshot.workflowId,
      workflowName: snapshot.workflowName,
      workflowVersion: snapshot.workflowVersion,
      document: JSON.stringify(snapshot.plan.document),
      targets: snapshot.targets ? JSON.stringify(snapshot.targets) : null,
      status: 'queued',
      createdAt: Date.now(),
      startedAt: null,
      finishedAt: null,
      nodes: JSON.stringify(nodes),
      error: null,
      attempts: null,
    }));
  }

  /** The run's plan when it can run as asked; otherwise a 400 carrying every problem. */
  private runnable(raw: unknown, targets: readonly string[] | undefined): RunPlan {
    const { plan, problems } = planRun(raw, this.runtime.registry, { ...(targets ? { targets } : {}), assetExists: (id) => this.runtime.assets.exists(id) });
    if (!plan) throw invalid(problems);
    return plan;
  }

  private async find(id: string): Promise<RunEntity> {
    const run = await this.db.getRepository(RunEntity).findOneBy({ id });
    if (!run) throw new NotFoundException(`no run ${id}`);
    return run;
  }
}

function invalid(problems: Problem[]): BadRequestException {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new BadRequestException({ message: `the workflow cannot run: ${count}`, problems });
}
