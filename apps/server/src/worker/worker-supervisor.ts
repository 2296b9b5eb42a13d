import { Logger } from '@nestjs/common';
import type { RunExecutor, RunReport } from '../runs/run-executor.js';
import type { RunJob, RunOutcome, WorkerInfo } from '../runs/run-scheduler.js';
import type { DecodeAnswer, DecodeChunkRequest, WorkerSettings } from './protocol.js';
import { WorkerProcess } from './worker-process.js';

export interface WorkerSupervisorOptions {
  entry: string;
  settings: WorkerSettings;
  /** Runs one worker executes at once (they share its output cache and its open model bundles). */
  concurrency: number;
  cancelGraceMs: number;
  /** Pins the worker to one CUDA device. */
  gpu?: number;
  /** Names its processes: `<prefix>-<n>`. */
  idPrefix?: string;
  titleOf(nodeType: string): string;
  /** Where its runs' decode chunks may go (scale-out, `--offload-decode`). */
  onOffload?(request: DecodeChunkRequest): Promise<DecodeAnswer>;
}

/** A worker that dies sooner than this after its start is restarted after a growing pause, not at once. */
const HEALTHY_LIFE_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * Keeps one worker process for this server: starts it, restarts it when it dies, and replaces it when it
 * must be killed. The runs it had at its death end with a message saying how it died and in which node.
 */
export class WorkerSupervisor implements RunExecutor {
  private readonly logger = new Logger('RunWorker');
  private current?: WorkerProcess;
  private readonly owners = new Map<string, WorkerProcess>();
  private started = 0;
  private restartDelayMs = 0;
  private restartTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(private readonly options: WorkerSupervisorOptions) {}

  start(): void {
    this.worker();
  }

  /** Resolves once a worker process is ready to run (true), or false if the one started first died on the way. */
  ready(): Promise<boolean> {
    return this.worker().started();
  }

  execute(job: RunJob, signal: AbortSignal, report: RunReport): Promise<RunOutcome> {
    const worker = this.worker();
    this.owners.set(job.runId, worker);
    return worker.run(job, signal, report);
  }

  /** Decodes another worker's chunk in this worker's process (started now if there is none). */
  decode(request: DecodeChunkRequest): Promise<void> {
    return this.worker().decode(request);
  }

  release(runId: string): void {
    const owner = this.owners.get(runId);
    this.owners.delete(runId);
    if (owner && !owner.hasEnded) owner.release(runId);
  }

  workers(): WorkerInfo[] {
    return this.current && !this.current.hasEnded ? [this.current.info()] : [];
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.current?.stop();
  }

  /** The live worker, started now when there is none (a run never waits for a restart pause). */
  private worker(): WorkerProcess {
    if (this.current && !this.current.hasEnded) return this.current;
    clearTimeout(this.restartTimer);
    this.current = new WorkerProcess({
      id: `${this.options.idPrefix ?? 'local'}-${++this.started}`,
      entry: this.options.entry,
      settings: this.options.settings,
      concurrency: this.options.concurrency,
      cancelGraceMs: this.options.cancelGraceMs,
      ...(this.options.gpu !== undefined ? { gpu: this.options.gpu } : {}),
      titleOf: this.options.titleOf,
      ...(this.options.onOffload ? { onOffload: this.options.onOffload } : {}),
      onExit: (w, code, signal) => this.onExit(w, code, signal),
    });
    return this.current;
  }

  private onExit(worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    // A worker killed and already replaced (a cancel it ignored) needs no restart.
    if (worker !== this.current) return this.logger.warn(`worker pid ${worker.pid} stopped (${how}); already replaced`);
    // A worker that cannot stay up (a broken build, a missing library) would otherwise restart in a tight loop.
    const lived = Date.now() - worker.startedAt;
    this.restartDelayMs = lived >= HEALTHY_LIFE_MS ? 0 : Math.min(MAX_RESTART_DELAY_MS, Math.max(1000, this.restartDelayMs * 2));
    this.logger.warn(`worker pid ${worker.pid} stopped (${how}); starting a fresh one${this.restartDelayMs ? ` in ${this.restartDelayMs / 1000} s` : ''}`);
    this.restartTimer = setTimeout(() => this.worker(), this.restartDelayMs);
    this.restartTimer.unref();
  }
}
