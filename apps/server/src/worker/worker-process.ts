import type { ExecutionResult } from '@lvcd/nodes/runtime';
import { fork, type ChildProcess } from 'node:child_process';
import { hostname, setPriority, totalmem } from 'node:os';
import type { RunReport } from '../runs/run-executor.js';
import type { RunJob, RunOutcome, WorkerInfo } from '../runs/run-scheduler.js';
import { SETTINGS_ENV, type DecodeAnswer, type DecodeChunkRequest, type FromWorker, type ToWorker, type WorkerSettings } from './protocol.js';
import { describeStop } from './stop-reason.js';

export interface WorkerProcessOptions {
  id: string;
  entry: string;
  settings: WorkerSettings;
  concurrency: number;
  /** How long a cancelled run may take to stop before the worker is killed. */
  cancelGraceMs: number;
  /** The CUDA device it is pinned to (CUDA_VISIBLE_DEVICES), when one is. */
  gpu?: number;
  /** A node type's title, for messages. */
  titleOf(nodeType: string): string;
  /** Called once, after the process ended and every run it had got its outcome. */
  onExit(worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void;
  /** Has one of its runs' decode chunks decoded by another worker (scale-out); without it, every chunk decodes here. */
  onOffload?(request: DecodeChunkRequest): Promise<DecodeAnswer>;
}

interface ActiveRun {
  job: RunJob;
  report: RunReport;
  resolve(outcome: RunOutcome): void;
  /** Sent to the worker (it was ready); until then a cancel needs no message. */
  sent: boolean;
  /** The node executing now, for the message if the worker dies under it. */
  node?: { id: string; title: string };
  graceTimer?: NodeJS.Timeout;
}

const STDERR_TAIL = 8 * 1024;
/**
 * The worker's scheduling niceness: model work yields the CPU to the API, so requests and sockets stay
 * responsive when the cores are busy with a run (ONNX Runtime uses them all).
 */
const WORKER_NICENESS = 10;
/** Time a worker gets to exit by itself when the server stops, before it is killed. */
const STOP_GRACE_MS = 5000;

/** One forked worker: sends it runs, routes its events to each run's report, and turns its death into outcomes. */
export class WorkerProcess {
  readonly startedAt = Date.now();
  private readonly child: ChildProcess;
  private readonly runs = new Map<string, ActiveRun>();
  private ready?: Extract<FromWorker, { type: 'ready' }>;
  private readonly whenReady: Promise<boolean>;
  private heartbeat?: Extract<FromWorker, { type: 'heartbeat' }> & { at: number };
  /** Other workers' chunks it is decoding, by request id. */
  private readonly decodes = new Map<string, { resolve(): void; reject(e: Error): void }>();
  private stderrTail = '';
  private killedBecause?: string;
  private ended = false;
  readonly exited: Promise<void>;

  constructor(private readonly options: WorkerProcessOptions) {
    this.child = fork(options.entry, [], {
      // Not the parent's flags: a test runner's loaders, or a debugger port, are not the worker's.
      execArgv: [],
      env: workerEnv(options.settings, options.gpu),
      // Structured clone over IPC, so a small frame's bytes cross as bytes, not as JSON numbers.
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    if (this.child.pid) {
      try {
        setPriority(this.child.pid, WORKER_NICENESS);
      } catch {
        // Not permitted here (some containers): the worker runs at the server's priority.
      }
    }
    this.child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL);
    });
    this.child.on('message', (m: FromWorker) => this.onMessage(m));
    // A child that cannot even be spawned ends through 'exit' too; the error itself says nothing more.
    this.child.on('error', () => undefined);
    this.whenReady = new Promise((resolve) => {
      this.child.on('message', (m: FromWorker) => m.type === 'ready' && resolve(true));
      this.child.once('exit', () => resolve(false));
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        // Messages already sent are delivered before the channel reports it closed; an outcome may be among them.
        const settle = () => {
          this.onExit(code, signal);
          resolve();
        };
        if (this.child.connected) this.child.once('disconnect', settle);
        else settle();
      });
    });
  }

  /** Resolves true once the process said it is ready to run, false if it ended first. */
  started(): Promise<boolean> {
    return this.whenReady;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Ended, or on its way out (killed, or exited with its last messages still to come). */
  get hasEnded(): boolean {
    return this.ended || this.killedBecause !== undefined || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Executes one run; resolves with its outcome, whatever happens to this process. */
  run(job: RunJob, signal: AbortSignal, report: RunReport): Promise<RunOutcome> {
    if (signal.aborted) return Promise.resolve({ kind: 'result', result: cancelledBeforeStart() });
    return new Promise<RunOutcome>((resolve) => {
      const active: ActiveRun = { job, report, resolve, sent: false };
      this.runs.set(job.runId, active);
      signal.addEventListener('abort', () => this.cancel(active), { once: true });
      void this.whenReady.then((ready) => {
        if (!ready || !this.runs.has(job.runId)) return;
        active.sent = true;
        report.started({ id: this.options.id, pid: this.pid });
        this.send({ type: 'run', job });
      });
    });
  }

  release(runId: string): void {
    this.send({ type: 'release', runId });
  }

  /** Decodes another worker's chunk (its frames land where the request says); rejects if it fails or this process dies. */
  decode(request: DecodeChunkRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.decodes.set(request.id, { resolve, reject });
      void this.whenReady.then((ready) => (ready ? this.send({ type: 'decode', request }) : this.settleDecode(request.id, 'the worker process stopped while starting')));
    });
  }

  info(): WorkerInfo {
    return {
      id: this.options.id,
      pid: this.pid,
      state: this.ready ? 'ready' : 'starting',
      host: hostname(),
      provider: this.ready?.provider ?? null,
      gpu: this.options.gpu ?? null,
      deviceMemoryBytes: this.heartbeat?.device?.totalBytes ?? null,
      freeMemoryBytes: this.heartbeat?.device?.freeBytes ?? null,
      concurrency: this.options.concurrency,
      running: [...this.runs.keys()],
      bundles: this.heartbeat?.bundles ?? [],
      version: this.ready?.version ?? '',
      rssBytes: this.heartbeat?.rssBytes ?? null,
      lastSeen: this.heartbeat ? new Date(this.heartbeat.at).toISOString() : null,
    };
  }

  /** Kills the process; every run it has ends with `reason` in its message. */
  kill(reason: string): void {
    if (this.ended) return;
    this.killedBecause ??= reason;
    this.child.kill('SIGKILL');
  }

  /** Closes the channel, which the worker takes as the order to exit; kills it if it does not. */
  async stop(): Promise<void> {
    if (this.ended) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.kill('the server stopped'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private cancel(active: ActiveRun): void {
    if (!this.runs.has(active.job.runId)) return;
    if (!active.sent) return this.finish(active.job.runId, { kind: 'result', result: cancelledBeforeStart() });
    this.send({ type: 'cancel', runId: active.job.runId });
    active.graceTimer = setTimeout(
      () => this.kill(`it was killed because run ${active.job.runId} did not stop within ${this.options.cancelGraceMs} ms of its cancel`),
      this.options.cancelGraceMs,
    );
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        this.ready = m;
        return;
      case 'heartbeat':
        this.heartbeat = { ...m, at: Date.now() };
        return;
      case 'event': {
        const active = this.runs.get(m.runId);
        if (!active) return;
        const e = m.event;
        if (e.type === 'node:started') active.node = { id: e.node, title: this.options.titleOf(e.nodeType) };
        else if (e.type === 'node:finished' || e.type === 'node:cached' || e.type === 'node:failed') active.node = undefined;
        active.report.event(e);
        return;
      }
      case 'ended':
        this.finish(m.runId, m.outcome);
        return;
      case 'offload': {
        const asked = this.options.onOffload?.(m.request) ?? Promise.resolve<DecodeAnswer>({ kind: 'local', why: 'this worker decodes its own chunks' });
        void asked.then(
          (answer) => this.send({ type: 'offloaded', id: m.request.id, answer }),
          (e: unknown) => this.send({ type: 'offloaded', id: m.request.id, answer: { kind: 'local', why: `the decode queue failed: ${String(e)}` } }),
        );
        return;
      }
      case 'decoded':
        this.settleDecode(m.id, m.error);
        return;
    }
  }

  private settleDecode(id: string, error: string | undefined): void {
    const pending = this.decodes.get(id);
    this.decodes.delete(id);
    if (error === undefined) pending?.resolve();
    else pending?.reject(new Error(error));
  }

  private finish(runId: string, outcome: RunOutcome): void {
    const active = this.runs.get(runId);
    if (!active) return;
    clearTimeout(active.graceTimer);
    this.runs.delete(runId);
    active.resolve(outcome);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.ended = true;
    for (const id of [...this.decodes.keys()]) this.settleDecode(id, `the worker process stopped (${signal ?? `exit code ${code}`}) while decoding`);
    const memory = this.heartbeat ? { rssBytes: this.heartbeat.rssBytes, freeMemoryBytes: this.heartbeat.freeMemoryBytes, totalMemoryBytes: totalmem() } : undefined;
    for (const [runId, active] of [...this.runs]) {
      const where = !this.ready ? 'while it was starting' : active.node ? `while running node ${active.node.id} (${active.node.title})` : 'between nodes';
      const message = describeStop({ code, signal, stderrTail: this.stderrTail, where, ...(this.killedBecause ? { killedBecause: this.killedBecause } : {}), ...(memory ? { memory } : {}) });
      this.finish(runId, { kind: 'lost', error: { node: active.node?.id ?? '', message } });
    }
    this.options.onExit(this, code, signal);
  }

  private send(message: ToWorker): void {
    // A worker that just died cannot take messages; its 'exit' settles every run it had.
    if (this.child.connected) this.child.send(message, (e) => void e);
  }
}

/** Secrets the API checks requests against; the worker serves no requests, so it does not get them. */
const API_SECRETS = ['LVCD_AUTH_TOKEN', 'LVCD_PASSWORD'];

function workerEnv(settings: WorkerSettings, gpu: number | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, [SETTINGS_ENV]: JSON.stringify(settings) };
  // ONNX Runtime's CUDA provider takes device 0 of what it sees: pinning the visible set pins the worker.
  if (gpu !== undefined) env.CUDA_VISIBLE_DEVICES = String(gpu);
  for (const name of API_SECRETS) delete env[name];
  return env;
}

function cancelledBeforeStart(): ExecutionResult {
  return { status: 'cancelled', nodes: {}, artifacts: [], cacheKeys: [], outputs: {} };
}
