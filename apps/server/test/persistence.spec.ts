import { createHash, randomUUID } from 'node:crypto';
import { DataSource, type EntitySubscriberInterface, type InsertEvent } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { dataPaths } from '../src/config/data-paths.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { DatabaseWriter } from '../src/database/database-writer.js';
import { AssetEntity, RunArtifactEntity, RunEntity, WorkflowEntity, WorkflowVersionEntity } from '../src/database/entities/index.js';
import { Initial1730000000000 } from '../src/database/migrations/1730000000000-initial.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { openDatabase } from '../src/database/open-database.js';
import { chain, png, SLOW_CHAIN_INVERTS, slowChainImage } from './support/fixtures.js';
import { startPostgres, type PostgresServer } from './support/postgres.js';
import { api, removeDir, startTestServer, tempDir, upload, waitForRun, type TestServer } from './support/server.js';

let postgres: PostgresServer | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
});

afterAll(async () => {
  await postgres?.stop();
  for (const d of dirs) await removeDir(d);
});

/** Each engine as users select it: SQLite by leaving LVCD_DATABASE_URL unset, Postgres by setting it. */
const ENGINES = [
  { name: 'SQLite', env: async (): Promise<Record<string, string>> => ({}) },
  { name: 'Postgres', env: async (): Promise<Record<string, string>> => ({ LVCD_DATABASE_URL: await postgres!.createDatabase() }) },
];

/** Starts servers on one new data dir and one new database of the engine; call it again to restart on them. */
async function freshStudio(env: () => Promise<Record<string, string>>, extra: Record<string, string> = {}): Promise<() => Promise<TestServer>> {
  const dataDir = await tempDir();
  dirs.push(dataDir);
  const settings = { ...(await env()), ...extra };
  return () => startTestServer(dataDir, settings);
}

/** A row as a crashed process leaves it (the columns a run has from the start). */
function rawRun(status: 'running' | 'queued', document: unknown) {
  return {
    id: randomUUID(),
    workflowId: null,
    workflowName: null,
    workflowVersion: null,
    document: JSON.stringify(document),
    targets: null,
    status,
    createdAt: Date.now(),
    startedAt: status === 'running' ? Date.now() : null,
    finishedAt: null,
    nodes: JSON.stringify({ load: { status: status === 'running' ? 'running' : 'queued' }, save: { status: 'queued' } }),
    error: null,
  };
}

/** Holds the transaction of a workflow save named `name` open until `release`, then makes it fail. */
function holdSave(db: DataSource, name: string): { reached: Promise<void>; release: () => void; remove: () => void } {
  let reachedIt!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((r) => (reachedIt = r));
  const released = new Promise<void>((r) => (release = r));
  const subscriber: EntitySubscriberInterface<WorkflowVersionEntity> = {
    listenTo: () => WorkflowVersionEntity,
    async beforeInsert(event: InsertEvent<WorkflowVersionEntity>) {
      if (event.entity.name !== name) return;
      reachedIt();
      await released;
      throw new Error('this save fails on purpose');
    },
  };
  db.subscribers.push(subscriber);
  return { reached, release, remove: () => void db.subscribers.splice(db.subscribers.indexOf(subscriber), 1) };
}

describe.each(ENGINES)('persistence on $name', (engine) => {
  it('keeps workflows and finished runs, interrupts running runs and re-queues queued ones', async () => {
    const start = await freshStudio(engine.env);
    let server = await start();
    const assetId = (await upload(server, await png(4, 4, 90), 'a.png')).body.id as string;
    const big = (await upload(server, await slowChainImage(91), 'b.png')).body.id as string;
    const workflow = (await api(server, 'POST', '/api/workflows', { name: 'Kept', document: chain(assetId) })).body;
    await api(server, 'PUT', `/api/workflows/${workflow.id}`, { document: chain(assetId, 1) });
    const done = await waitForRun(server, (await api(server, 'POST', '/api/runs', { workflowId: workflow.id })).body.id);
    expect(done.status).toBe('succeeded');

    // A run the server stops in the middle of, and rows a crashed process left behind.
    const stopped = (await api(server, 'POST', '/api/runs', { document: chain(big, SLOW_CHAIN_INVERTS) })).body.id as string;
    while ((await api(server, 'GET', `/api/runs/${stopped}`)).body.status !== 'running') await new Promise((r) => setTimeout(r, 5));
    const crashed = rawRun('running', chain(assetId, 2));
    const leftQueued = rawRun('queued', chain(assetId, 3));
    await server.app.get(DataSource).getRepository(RunEntity).insert([crashed, leftQueued]);
    await server.close();

    server = await start();
    try {
      const saved = await api(server, 'GET', `/api/workflows/${workflow.id}`);
      expect(saved.body).toMatchObject({ name: 'Kept', version: 2 });
      const old = await api(server, 'GET', `/api/runs/${done.id}`);
      expect(old.body).toMatchObject({ status: 'succeeded', workflowName: 'Kept' });
      expect((await fetch(`${server.url}/api/artifacts/${old.body.artifacts[0].id}`)).status).toBe(200);
      expect((await api(server, 'GET', '/api/assets')).body).toHaveLength(2);

      for (const id of [stopped, crashed.id]) {
        const run = (await api(server, 'GET', `/api/runs/${id}`)).body;
        expect(run.status, id).toBe('interrupted');
        expect(run.finishedAt).toEqual(expect.any(String));
      }
      expect((await waitForRun(server, leftQueued.id)).status).toBe('succeeded');

      const requeued = await api(server, 'POST', `/api/runs/${crashed.id}/requeue`);
      expect(requeued.status).toBe(202);
      expect(requeued.body).toEqual({ id: expect.any(String), status: 'queued' });
      expect(requeued.body.id).not.toBe(crashed.id);
      const rerun = await waitForRun(server, requeued.body.id);
      expect(rerun.status).toBe('succeeded');
      expect(rerun.document).toEqual(chain(assetId, 2));
    } finally {
      await server.close();
    }
  });

  it('reads every column back as it was written: numbers as numbers, milliseconds and sizes past 32 bits intact', async () => {
    const server = await (await freshStudio(engine.env))();
    try {
      const db = server.app.get(DataSource);
      const bytes = await png(6, 6, 40);
      const asset = (await upload(server, bytes, 'c.png')).body;
      const workflow = (await api(server, 'POST', '/api/workflows', { name: 'Typed', document: chain(asset.id) })).body;
      const run = await waitForRun(server, (await api(server, 'POST', '/api/runs', { workflowId: workflow.id })).body.id);
      expect(run.status).toBe('succeeded');

      const stored = await db.getRepository(AssetEntity).findOneByOrFail({ id: asset.id });
      expect(stored).toMatchObject({ size: bytes.length, createdAt: expect.any(Number) });
      const runRow = await db.getRepository(RunEntity).findOneByOrFail({ id: run.id });
      expect(runRow).toMatchObject({ seq: expect.any(Number), workflowVersion: 1, createdAt: expect.any(Number), startedAt: expect.any(Number), finishedAt: expect.any(Number) });
      expect(runRow.finishedAt! - runRow.createdAt).toBeGreaterThanOrEqual(0);
      const artifact = await db.getRepository(RunArtifactEntity).findOneByOrFail({ runId: run.id });
      expect(artifact).toMatchObject({ seq: expect.any(Number), size: expect.any(Number), createdAt: expect.any(Number) });
      expect(await db.getRepository(WorkflowVersionEntity).findOneByOrFail({ workflowId: workflow.id, version: 1 })).toMatchObject({ createdAt: expect.any(Number) });

      // A 40 GB upload made in the year 2500: both past what a 32-bit column holds.
      const huge = { id: 'f'.repeat(64), name: 'huge.mp4', mime: 'video/mp4', kind: 'video', size: 40e9, createdAt: Date.UTC(2500, 0, 1) };
      await server.app.get(DatabaseWriter).write((w) => w.insert(AssetEntity, huge));
      expect(await db.getRepository(AssetEntity).findOneByOrFail({ id: huge.id })).toEqual(huge);
    } finally {
      await server.close();
    }
  });

  it('gives concurrent saves of one workflow consecutive versions while runs and uploads write too', async () => {
    const server = await (await freshStudio(engine.env))();
    try {
      const assetId = (await upload(server, await png(4, 4, 10), 'd.png')).body.id as string;
      const workflow = (await api(server, 'POST', '/api/workflows', { name: 'Busy', document: chain(assetId) })).body;
      const answers = await Promise.all([
        ...Array.from({ length: 8 }, (_, i) => api(server, 'PUT', `/api/workflows/${workflow.id}`, { document: chain(assetId, i + 1) })),
        ...Array.from({ length: 4 }, () => api(server, 'POST', '/api/runs', { workflowId: workflow.id })),
        ...Array.from({ length: 4 }, async (_, i) => upload(server, await png(3, 3, 200 + i), `e${i}.png`)),
      ]);
      expect(answers.map((a) => a.status)).toEqual([...Array(8).fill(200), ...Array(4).fill(202), ...Array(4).fill(201)]);
      const versions = answers.slice(0, 8).map((a) => a.body.version as number);
      expect([...versions].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
      expect((await api(server, 'GET', `/api/workflows/${workflow.id}/versions`)).body.map((v: { version: number }) => v.version)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
      // Each version holds the document its own save sent.
      for (const answer of answers.slice(0, 8)) {
        expect((await api(server, 'GET', `/api/workflows/${workflow.id}/versions/${answer.body.version}`)).body.document).toEqual(answer.body.document);
      }
      for (const answer of answers.slice(8, 12)) expect((await waitForRun(server, answer.body.id)).status).toBe('succeeded');
      expect((await api(server, 'GET', '/api/assets')).body).toHaveLength(5);
    } finally {
      await server.close();
    }
  });

  it('loses no other writer\'s work when a save rolls back while they write', async () => {
    const server = await (await freshStudio(engine.env))();
    const db = server.app.get(DataSource);
    const hold = holdSave(db, 'refused');
    try {
      const assetId = (await upload(server, await png(4, 4, 60), 'f.png')).body.id as string;
      const workflow = (await api(server, 'POST', '/api/workflows', { name: 'Kept', document: chain(assetId) })).body;
      const refused = api(server, 'PUT', `/api/workflows/${workflow.id}`, { name: 'refused', document: chain(assetId, 1) });
      await hold.reached;
      // While that save's transaction is open: a new run (and its recorder, artefacts), an upload, another workflow.
      const writes = [
        api(server, 'POST', '/api/runs', { document: chain(assetId, 2) }),
        upload(server, await png(5, 5, 61), 'g.png'),
        api(server, 'POST', '/api/workflows', { name: 'Other', document: chain(assetId) }),
      ];
      // Long enough for a write that does not wait its turn to reach the database inside that transaction.
      await new Promise((r) => setTimeout(r, 300));
      hold.release();
      expect((await refused).status).toBe(500);
      const [run, asset, other] = await Promise.all(writes);
      expect([run!.status, asset!.status, other!.status]).toEqual([202, 201, 201]);

      expect((await waitForRun(server, run!.body.id)).status).toBe('succeeded');
      expect((await api(server, 'GET', `/api/runs/${run!.body.id}`)).body.artifacts).not.toHaveLength(0);
      expect((await api(server, 'GET', '/api/assets')).body.map((a: { id: string }) => a.id)).toContain(asset!.body.id);
      expect((await api(server, 'GET', `/api/workflows/${other!.body.id}`)).body).toMatchObject({ name: 'Other', version: 1 });
      expect((await api(server, 'GET', `/api/workflows/${workflow.id}`)).body).toMatchObject({ name: 'Kept', version: 1 });
      expect(await db.getRepository(WorkflowEntity).count()).toBe(2);
    } finally {
      hold.remove();
      await server.close();
    }
  });
});

describe('the SQLite file', () => {
  it('made by the first release opens and upgrades: the first migration makes the schema it always made', async () => {
    const dataDir = await tempDir();
    dirs.push(dataDir);
    const first = new DataSource({ type: 'sqlite', database: dataPaths(dataDir).database, migrations: [Initial1730000000000], migrationsRun: true });
    await first.initialize();
    // Files that exist have this migration recorded as run, so its SQLite text must never change: a
    // different schema for new files would be untested against every old one. Change it with a new migration.
    const schema = (await first.query(`SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name`)) as { sql: string }[];
    expect(createHash('sha256').update(schema.map((s) => s.sql).join('\n')).digest('hex')).toBe(FIRST_SQLITE_SCHEMA);
    const id = randomUUID();
    await first.query(`INSERT INTO "workflows" VALUES (?, 'From the first release', 1, 1700000000000, 1700000000000)`, [id]);
    await first.query(`INSERT INTO "workflow_versions" VALUES (?, 1, 'From the first release', ?, 1700000000000)`, [id, JSON.stringify(chain('0'.repeat(64)))]);
    await first.destroy();

    const server = await startTestServer(dataDir);
    try {
      const db = server.app.get(DataSource);
      expect(await db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await db.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
      expect((await api(server, 'GET', `/api/workflows/${id}`)).body).toMatchObject({ name: 'From the first release', version: 1, updatedAt: new Date(1700000000000).toISOString() });
      const assetId = (await upload(server, await png(4, 4, 70), 'h.png')).body.id as string;
      expect((await api(server, 'PUT', `/api/workflows/${id}`, { document: chain(assetId) })).body).toMatchObject({ version: 2 });
      expect((await waitForRun(server, (await api(server, 'POST', '/api/runs', { workflowId: id })).body.id)).status).toBe('succeeded');
    } finally {
      await server.close();
    }
  });
});

describe('Postgres', () => {
  it('starts two API processes together on a new database: one migrates, the other waits for it', async () => {
    const env = { LVCD_DATABASE_URL: await postgres!.createDatabase(), LVCD_RUNS_IN: 'server' };
    const starts = await Promise.all([freshStudio(async () => env), freshStudio(async () => env)]);
    const servers = await Promise.all(starts.map((start) => start()));
    try {
      const created = (await api(servers[0]!, 'POST', '/api/workflows', { name: 'Shared', document: chain('0'.repeat(64)) })).body;
      expect((await api(servers[1]!, 'GET', `/api/workflows/${created.id}`)).body).toMatchObject({ name: 'Shared', version: 1 });
      const migrations = (await servers[1]!.app.get(DataSource).query('SELECT name FROM migrations ORDER BY id')) as { name: string }[];
      expect(migrations.map((m) => m.name)).toEqual(MIGRATIONS.map((M) => new M().name));
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('names the database in a connection error, never its password', async () => {
    const wrong = postgres!.url.replace(/:[^:@/]+@/, ':not-the-password@');
    const failure = await openDatabase(dataSourceOptions(loadConfig({ LVCD_DATABASE_URL: wrong }).database)).then(
      () => new Error('opened with a wrong password'),
      (e: unknown) => e as Error,
    );
    expect(failure.message).toMatch(/^could not open Postgres at postgres:\/\/lvcd:\*\*\*@127\.0\.0\.1:\d+\/postgres: password authentication failed/);
    expect(failure.message).not.toContain('not-the-password');
  });

  it('hands the URL\'s query options to the driver', async () => {
    const db = await openDatabase(dataSourceOptions(loadConfig({ LVCD_DATABASE_URL: `${await postgres!.createDatabase()}?application_name=lvcd-check` }).database));
    try {
      expect(await db.query(`SELECT current_setting('application_name') AS name`)).toEqual([{ name: 'lvcd-check' }]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a LVCD_DATABASE_URL that is not a Postgres URL, naming the variable and hiding the password', () => {
    for (const raw of ['mysql://u:secret@db/lvcd', 'postgres://u:secret@db', 'postgres://u:sec@ret@/lvcd', 'not a url']) {
      expect(() => loadConfig({ LVCD_DATABASE_URL: raw }), raw).toThrow(/^LVCD_DATABASE_URL must look like postgres:\/\/user:password@host:5432\/database/);
      expect(() => loadConfig({ LVCD_DATABASE_URL: raw })).not.toThrow(/secret|sec@ret/);
    }
    expect(loadConfig({ LVCD_DATABASE_URL: 'postgresql://u:p@db.example:6543/lvcd?sslmode=require' }).database).toEqual({ kind: 'postgres', url: 'postgresql://u:p@db.example:6543/lvcd?sslmode=require' });
    expect(loadConfig({ LVCD_DATA_DIR: '/srv/lvcd', LVCD_DATABASE_URL: '' }).database).toEqual({ kind: 'sqlite', file: '/srv/lvcd/lvcd.sqlite' });
  });
});

/** sha256 of the SQLite schema (sqlite_master's sql, by name) that the first migration has always made. */
const FIRST_SQLITE_SCHEMA = '9aab0661dda008c70a4e297f44f97337f647194c01c5614d7de7946675e15a37';
