import type { ArtifactView, RunDetail, RunStatus } from '@lvcd/nodes';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { InputError } from './command.js';
import { uniqueOutputName } from './output-names.js';
import { formatMs, ProgressReporter, type ProgressEvent } from './progress.js';
import type { StudioClient, StudioSocket } from './studio-client.js';

type FinishedStatus = Extract<RunStatus, 'succeeded' | 'failed' | 'cancelled' | 'interrupted'>;

const ROOM_EVENTS = new Set(['node:started', 'node:progress', 'node:cached', 'node:finished', 'node:bypassed', 'node:failed', 'artifact']);

export interface StudioRunOptions {
  titles: ReadonlyMap<string, string>;
  /** Aborted on Ctrl-C: the run is cancelled on the studio, and followed until it says so. */
  signal: AbortSignal;
  log: (line: string) => void;
}

/**
 * Queues a workflow on a running studio and follows it over Socket.IO until it finishes: the socket is named in
 * the request, so the studio joins it to the run's room before queueing and no event is missed; events that
 * arrive before the answer naming the run are kept and replayed.
 */
export async function runOnStudio(client: StudioClient, document: unknown, options: StudioRunOptions): Promise<RunDetail> {
  const socket = await client.connect();
  try {
    let runId: string | undefined;
    let reporter: ProgressReporter | undefined;
    const early: [string, Record<string, unknown>][] = [];
    let finish!: (status: FinishedStatus) => void;
    let fail!: (e: Error) => void;
    const finished = new Promise<FinishedStatus>((done, reject) => ((finish = done), (fail = reject)));
    // Awaited below; this keeps a failure before that point (a dropped socket) from counting as unhandled.
    finished.catch(() => undefined);

    const handle = (event: string, payload: Record<string, unknown>) => {
      if (payload.runId !== runId) return;
      if (event === 'run:finished') return finish(payload.status as FinishedStatus);
      if (event === 'run:queued' && typeof payload.position === 'number' && payload.position > 0) return options.log(`waiting for ${payload.position} run${payload.position === 1 ? '' : 's'} ahead`);
      if (ROOM_EVENTS.has(event)) reporter?.onEvent({ ...payload, type: event } as ProgressEvent);
    };
    socket.onAny((event: string, payload: unknown) => {
      if (typeof payload !== 'object' || payload === null) return;
      if (runId === undefined) early.push([event, payload as Record<string, unknown>]);
      else handle(event, payload as Record<string, unknown>);
    });
    socket.on('disconnect', (reason) => fail(new InputError(`lost the connection to ${client.url} (${reason}); the run goes on there: see its History`)));

    const queued = await client.request<{ id: string }>('POST', '/api/runs', { document, socketId: socket.id });
    runId = queued.id;
    const planned = await client.run(runId);
    reporter = new ProgressReporter(process.stdout, Object.keys(planned.nodes).length, options.titles);
    options.log(`run ${runId} queued on ${client.url}; the studio shows it in its History`);
    for (const [event, payload] of early.splice(0)) handle(event, payload);
    if (planned.status !== 'queued' && planned.status !== 'running') finish(planned.status);

    const id = runId;
    const onAbort = () => {
      reporter?.finish();
      options.log(`cancelling run ${id} on the studio...`);
      client.request('POST', `/api/runs/${id}/cancel`).catch((e: unknown) => fail(e as Error));
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await finished;
    } finally {
      options.signal.removeEventListener('abort', onAbort);
      reporter.finish();
    }
    return await client.run(id);
  } finally {
    socket.disconnect();
  }
}

/** Downloads a studio run's artefacts into the out folder; returns the files written. */
export async function downloadArtifacts(client: StudioClient, artifacts: readonly ArtifactView[], outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const taken = new Set<string>();
  const written: string[] = [];
  for (const a of artifacts) {
    const target = join(outDir, uniqueOutputName(taken, a.node, a.name));
    const res = await client.download(`/api/artifacts/${a.id}`);
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(target));
    written.push(target);
  }
  return written;
}

export function describeOutcome(run: RunDetail): string {
  const took = run.durationMs !== undefined ? ` in ${formatMs(run.durationMs)}` : '';
  if (run.status === 'failed') return `failed${took}: node ${run.error?.node}: ${run.error?.message}`;
  return `${run.status}${took}`;
}
