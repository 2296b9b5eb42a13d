// The seeded workflows (the demo and the LVCD template) on one data dir across starts, on each database engine:
// made once, never made again (not even after a rename of a copy), and kept as they came: the API refuses to
// overwrite or delete them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoSeedService } from '../src/seed/demo-seed.service.js';
import { startPostgres, type PostgresServer } from './support/postgres.js';
import { api, removeDir, startTestServer, tempDir, type TestServer } from './support/server.js';

let postgres: PostgresServer | undefined;
let server: TestServer | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
});

afterAll(async () => {
  await server?.close();
  await postgres?.stop();
  for (const d of dirs) await removeDir(d);
});

/** Each engine as users select it: SQLite by leaving LVCD_DATABASE_URL unset, Postgres by setting it. */
const ENGINES = [
  { name: 'SQLite', env: async (): Promise<Record<string, string>> => ({}) },
  { name: 'Postgres', env: async (): Promise<Record<string, string>> => ({ LVCD_DATABASE_URL: await postgres!.createDatabase() }) },
];

type Summary = { id: string; name: string; seed?: string };

describe.each(ENGINES)('seeded workflows on $name', ({ env }) => {
  let first: string;
  let settings: Record<string, string>;
  let dir: string;

  /** Starts the server on the engine's data dir and database, and seeds, as `npm start` does at every start. */
  async function start(): Promise<{ server: TestServer; demo: string }> {
    await server?.close();
    server = await startTestServer(dir, settings);
    return { server, demo: await server.app.get(DemoSeedService).ensureDemoWorkflow() };
  }

  beforeAll(async () => {
    dir = await tempDir('lvcd-seeded-');
    dirs.push(dir);
    settings = await env();
  });

  it('are saved once per data dir, and a second start on it seeds nothing more', async () => {
    ({ demo: first } = await start());
    const again = await start();
    expect(again.demo).toBe(first);
    const workflows = (await api<Summary[]>(again.server, 'GET', '/api/workflows')).body;
    expect(workflows.map((w) => [w.name, w.seed]).sort()).toEqual([
      ['Demo: flat colorization', 'demo'],
      ['LVCD: colour a clip from its first frame', 'lvcd-template'],
    ]);
    const assets = (await api<{ name: string }[]>(again.server, 'GET', '/api/assets')).body;
    expect(assets.map((a) => a.name)).toEqual(['demo-clip.zip']);
  });

  it('refuse to be overwritten or deleted, with a 409 that says to save a copy', async () => {
    const s = server!;
    const demo = (await api(s, 'GET', `/api/workflows/${first}`)).body;
    expect(demo.seed).toBe('demo');
    const put = await api(s, 'PUT', `/api/workflows/${first}`, { name: 'Something else', document: demo.document });
    expect(put.status).toBe(409);
    expect(put.body.message).toMatch(/“Demo: flat colorization” is a workflow the studio seeded.*Save as/);
    const del = await api(s, 'DELETE', `/api/workflows/${first}`);
    expect(del.status).toBe(409);
    expect((await api(s, 'GET', `/api/workflows/${first}`)).body).toMatchObject({ name: 'Demo: flat colorization', version: 1 });
  });

  it('leave a copy free to change, under any name, and the next start still seeds nothing', async () => {
    const s = server!;
    const demo = (await api(s, 'GET', `/api/workflows/${first}`)).body;
    const copy = (await api(s, 'POST', '/api/workflows', { name: 'Demo: flat colorization', document: demo.document })).body;
    expect(copy.seed).toBeUndefined();
    expect((await api(s, 'PUT', `/api/workflows/${copy.id}`, { name: 'Mine', document: demo.document })).status).toBe(200);
    const restarted = await start();
    expect(restarted.demo).toBe(first);
    const names = (await api<Summary[]>(restarted.server, 'GET', '/api/workflows')).body.map((w) => w.name).sort();
    expect(names).toEqual(['Demo: flat colorization', 'LVCD: colour a clip from its first frame', 'Mine']);
    expect((await api(restarted.server, 'DELETE', `/api/workflows/${copy.id}`)).status).toBe(204);
  });
});
