import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { RunEntity } from '../src/database/entities/index.js';
import { chain, png, SLOW_CHAIN_INVERTS, slowChainImage } from './support/fixtures.js';
import { api, removeDir, startTestServer, tempDir, upload, waitForRun, type TestServer } from './support/server.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});

function rawRun(status: 'running' | 'queued', document: unknown): Omit<RunEntity, 'seq'> {
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

describe('persistence across restarts', () => {
  it('keeps workflows and finished runs, interrupts running runs and re-queues queued ones', async () => {
    const dataDir = await tempDir();
    dirs.push(dataDir);
    let server: TestServer = await startTestServer(dataDir);
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
    const db = server.app.get(DataSource);
    expect(await db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await db.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    await db.getRepository(RunEntity).insert([crashed, leftQueued]);
    await server.close();

    server = await startTestServer(dataDir);
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
});
