import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitForWorker, type Cluster, type ClusterWorker } from '../support/cluster.js';
import { chain, delayed, png } from '../support/fixtures.js';
import { api, connect, getRun, nextEvent, upload, waitForRun, type RunView, type TestServer } from '../support/server.js';

/**
 * Scale-out mode when every worker that takes a run dies under it: the queue hands the run over twice
 * (the workers' `maxStalledCount`), and fails it when the third worker is lost too. One API instance, real
 * Redis and Postgres, `lvcd worker` processes started one at a time and SIGKILLed, as crashes would.
 */

/** Holds are short so each lost worker's run moves on within seconds. */
const LOCK_MS = 2000;
/** Far longer than any worker is left to run it: every attempt is killed in the middle of the wait. */
const DELAY_MS = 300_000;
/** From a kill to the next worker's attempt on record: the hold lapses, a stalled check finds it, the worker claims it. */
const TAKEOVER_TIMEOUT_MS = 120_000;

let cluster: Cluster;
let api0: TestServer;
let socket: Socket;
let image: string;

beforeAll(async () => {
  cluster = await startCluster({ apis: 1, workers: 0, lockMs: LOCK_MS });
  [api0] = cluster.apis as [TestServer];
  socket = await connect(api0);
  image = (await upload(api0, await png(4, 4, 77), 'still.png')).body.id as string;
}, 180_000);

afterAll(async () => {
  socket?.close();
  await cluster?.stop();
}, 60_000);

const run = (id: string): Promise<RunView> => getRun(api0, id);

/** Until the run's record lists `count` attempts, the last by `worker`: that worker has started it. */
async function waitForAttempt(id: string, count: number, worker: ClusterWorker): Promise<void> {
  const end = Date.now() + TAKEOVER_TIMEOUT_MS;
  for (;;) {
    const view = await run(id);
    if (view.attempts?.length === count && view.attempts[count - 1]!.worker === worker.id) return;
    if (view.status !== 'running' && view.status !== 'queued') throw new Error(`run ${id} ended ${view.status} before ${worker.id} took it: ${JSON.stringify(view.error)}`);
    if (Date.now() > end) {
      throw new Error(`${worker.id} did not take run ${id} within ${TAKEOVER_TIMEOUT_MS} ms; attempts: ${JSON.stringify(view.attempts)}\n${worker.id} stdout: ${worker.cli.stdout}\nstderr: ${worker.cli.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a run whose every worker dies under it', () => {
  it('is failed after the third lost worker, saying so in the studio’s terms, and the next run succeeds', async () => {
    const first = await cluster.addWorker('w1');
    await waitForWorker(cluster, first.id, 60_000);
    const posted = await api(api0, 'POST', '/api/runs', { document: delayed(image, DELAY_MS, 'never') });
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    const id = posted.body.id as string;

    await waitForAttempt(id, 1, first);
    await first.kill();
    const second = await cluster.addWorker('w2');
    await waitForAttempt(id, 2, second);
    await second.kill();
    const third = await cluster.addWorker('w3');
    await waitForAttempt(id, 3, third);
    const finished = nextEvent<{ runId: string; status: string; error?: { message: string } }>(socket, 'run:finished', (p) => p.runId === id, TAKEOVER_TIMEOUT_MS + 60_000);
    // Awaited below; a failure before then is the one to report, not this wait's timeout.
    finished.catch(() => undefined);
    await third.kill();
    // The stall limit is enforced by a live worker's stalled check: the fresh one finds the run lost a third time.
    const fresh = await cluster.addWorker('w4');

    const ended = (await waitForRun(api0, id, TAKEOVER_TIMEOUT_MS)) as RunView;
    expect(ended.status).toBe('failed');
    const message = ended.error!.message;
    expect(message).toMatch(/^the run was lost by worker after worker: the 3 workers that took it in turn \(w1, w2, w3\) each stopped in the middle of it, so it will not be retried\./);
    expect(message).toMatch(/Check those workers' logs, and whether their machines ran out of memory/);
    expect(message).not.toMatch(/allowable limit/);
    // The browser is told the same, once the record is settled.
    expect(await finished).toEqual({ runId: id, status: 'failed', error: { node: '', message } });

    const view = await run(id);
    expect(view.attempts?.map((a) => a.worker)).toEqual(['w1', 'w2', 'w3']);
    expect(view.attempts?.[0]?.handedOver).toMatch(/^its worker stopped during the run; w2 on .+ resumed it$/);
    expect(view.attempts?.[1]?.handedOver).toMatch(/^its worker stopped during the run; w3 on .+ resumed it$/);
    // Nobody took over from the last one: the run's error says what became of it.
    expect(view.attempts?.[2]?.handedOver).toBeUndefined();
    // The Delay node the last worker was inside is not left spinning.
    expect(Object.entries(view.nodes).filter(([, n]) => n.status === 'running' || n.status === 'queued')).toEqual([]);

    // The API took the failure in its stride: a fresh worker runs the next run to the end. That worker failed
    // the lost run as soon as it joined, maybe before its own child was ready to take runs.
    await waitForWorker(cluster, fresh.id, 60_000);
    const next = await api(api0, 'POST', '/api/runs', { document: chain(image, 1, 'after') });
    expect(next.status, JSON.stringify(next.body)).toBe(202);
    const after = (await waitForRun(api0, next.body.id as string, 120_000)) as RunView;
    expect(after.status, JSON.stringify(after.error)).toBe('succeeded');
    expect(after.attempts?.map((a) => a.worker)).toEqual([fresh.id]);
  }, 900_000);
});
