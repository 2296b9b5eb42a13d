import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startLvcd, waitForOutput, type CliProcess } from './lvcd-cli.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { startRedis, type RedisServer } from './redis.js';
import { removeDir, startTestServer, tempDir, type TestServer } from './server.js';

/** A worker process of the cluster (`lvcd worker`), killable. */
export interface ClusterWorker {
  id: string;
  cli: CliProcess;
  /** SIGKILL, as a crash or a lost machine. */
  kill(): Promise<void>;
}

export interface Cluster {
  redis: RedisServer;
  postgres: PostgresServer;
  /** API instances, in this process, sharing the queue, the database and the data dir. */
  apis: TestServer[];
  workers: ClusterWorker[];
  dataDir: string;
  env: Record<string, string>;
  addWorker(id: string, extra?: string[]): Promise<ClusterWorker>;
  stop(): Promise<void>;
}

/**
 * Scale-out mode on loopback: a real Redis and a real Postgres, `apis` API instances and `workers` worker
 * processes, all pointed at one data dir, as machines sharing a NAS would be. Holds on runs lapse after
 * `lockMs`, so a killed worker's run moves on quickly.
 */
export async function startCluster(options: { apis: number; workers: number; lockMs?: number; env?: Record<string, string> }): Promise<Cluster> {
  const root = await tempDir('lvcd-cluster-');
  const dataDir = join(root, 'data');
  await mkdir(dataDir, { recursive: true });
  const redis = await startRedis();
  const postgres = await startPostgres();
  const env: Record<string, string> = {
    LVCD_REDIS_URL: redis.url,
    LVCD_DATABASE_URL: await postgres.createDatabase(),
    LVCD_DATA_DIR: dataDir,
    LVCD_QUEUE_LOCK_MS: String(options.lockMs ?? 2000),
    ...options.env,
  };
  const apis: TestServer[] = [];
  const workers: ClusterWorker[] = [];
  const addWorker = async (id: string, extra: string[] = []) => {
    const cli = startLvcd(root, env, ['worker', '--id', id, ...extra]);
    await waitForOutput(cli, /taking runs/, 60_000);
    const worker: ClusterWorker = {
      id,
      cli,
      async kill() {
        if (cli.child.exitCode === null && cli.child.signalCode === null) {
          cli.child.kill('SIGKILL');
          await cli.done;
        }
      },
    };
    workers.push(worker);
    return worker;
  };
  const stop = async () => {
    await Promise.all(workers.map((w) => w.kill()));
    for (const api of apis) await api.close().catch(() => undefined);
    await redis.stop();
    await postgres.stop();
    await removeDir(root);
  };
  try {
    // The first instance runs the migrations; the others find them done.
    for (let i = 0; i < options.apis; i++) apis.push(await startTestServer(dataDir, env));
    await Promise.all(Array.from({ length: options.workers }, (_, i) => addWorker(`w${i + 1}`)));
    return { redis, postgres, apis, workers, dataDir, env, addWorker, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Until every API instance sees `count` ready workers. */
export async function waitForWorkers(cluster: Cluster, count: number, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const seen = await Promise.all(cluster.apis.map(async (a) => ((await (await fetch(`${a.url}/api/workers`)).json()) as { state: string }[]).filter((w) => w.state === 'ready').length));
    if (seen.every((n) => n >= count)) return;
    if (Date.now() > end) throw new Error(`API instances see ${seen.join(', ')} ready workers, not ${count}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Until the API instance lists worker `id` with a bundle open and no run: free, and preferred for that bundle's runs. */
export async function waitForIdleWithBundle(api: TestServer, id: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const workers = (await (await fetch(`${api.url}/api/workers`)).json()) as { id: string; bundles: string[]; running: string[] }[];
    const listed = workers.find((w) => w.id === id);
    if (listed?.bundles.length && listed.running.length === 0) return;
    if (Date.now() > end) throw new Error(`worker ${id} never advertised an open bundle and no run: ${JSON.stringify(workers)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Until every API instance lists worker `id` as ready (others' heartbeats, a killed worker's included, do not count). */
export async function waitForWorker(cluster: Cluster, id: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const seen = await Promise.all(cluster.apis.map(async (a) => ((await (await fetch(`${a.url}/api/workers`)).json()) as { id: string; state: string }[]).some((w) => w.id === id && w.state === 'ready')));
    if (seen.every(Boolean)) return;
    if (Date.now() > end) throw new Error(`worker ${id} is not ready on every API instance after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
