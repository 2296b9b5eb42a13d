import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, png, SLOW_CHAIN_INVERTS, slowChainImage } from './support/fixtures.js';
import { api, removeDir, startTestServer, tempDir, upload, waitForRun, type TestServer } from './support/server.js';

let server: TestServer;
let assetId: string;

beforeAll(async () => {
  server = await startTestServer(await tempDir());
  const res = await upload(server, await png(4, 3, 10), 'ref.png');
  assetId = res.body.id;
});

afterAll(async () => {
  await server.close();
  await removeDir(server.dataDir);
});

describe('health and nodes', () => {
  it('reports health with the queue', async () => {
    const { status, body } = await api(server, 'GET', '/api/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, version: '0.1.0', provider: 'cpu', queue: { running: 0, queued: 0 } });
  });

  it('lists the catalogue', async () => {
    const { status, body } = await api(server, 'GET', '/api/nodes');
    expect(status).toBe(200);
    expect(body.map((n: { type: string }) => n.type)).toEqual(expect.arrayContaining(['image/load', 'image/invert', 'image/save']));
    expect(body[0]).not.toHaveProperty('execute');
  });
});

describe('workflows', () => {
  it('creates, reads, versions, lists and deletes', async () => {
    const created = await api(server, 'POST', '/api/workflows', { name: 'First', document: chain(assetId) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'First', version: 1 });
    const id = created.body.id as string;

    const updated = await api(server, 'PUT', `/api/workflows/${id}`, { document: chain(assetId, 1) });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, name: 'First', version: 2 });
    const renamed = await api(server, 'PUT', `/api/workflows/${id}`, { name: 'Renamed', document: chain(assetId, 2) });
    expect(renamed.body.version).toBe(3);

    const latest = await api(server, 'GET', `/api/workflows/${id}`);
    expect(latest.body).toMatchObject({ id, name: 'Renamed', version: 3 });
    expect(latest.body.document.nodes).toHaveLength(4);

    const versions = await api(server, 'GET', `/api/workflows/${id}/versions`);
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    const first = await api(server, 'GET', `/api/workflows/${id}/versions/1`);
    expect(first.body).toMatchObject({ id, name: 'First', version: 1 });
    expect(first.body.document.nodes).toHaveLength(2);
    expect((await api(server, 'GET', `/api/workflows/${id}/versions/9`)).status).toBe(404);

    const other = await api(server, 'POST', '/api/workflows', { name: 'Second', document: chain(assetId) });
    const list = await api(server, 'GET', '/api/workflows');
    expect(list.body.slice(0, 2).map((w: { id: string }) => w.id)).toEqual([other.body.id, id]);

    expect((await api(server, 'DELETE', `/api/workflows/${id}`)).status).toBe(204);
    expect((await api(server, 'GET', `/api/workflows/${id}`)).status).toBe(404);
    expect((await api(server, 'DELETE', `/api/workflows/${id}`)).status).toBe(404);
  });

  it('saves a draft with graph problems but refuses an unreadable document', async () => {
    const draft = chain(assetId);
    draft.links = [];
    expect((await api(server, 'POST', '/api/workflows', { name: 'Draft', document: draft })).status).toBe(201);
    const bad = await api(server, 'POST', '/api/workflows', { name: 'Bad', document: { format: 'something-else' } });
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0].code).toBe('bad-document');
  });

  it('validates and returns every problem at once', async () => {
    const doc = chain('f'.repeat(64), 1);
    doc.links = doc.links.slice(1); // inv1 loses its input
    doc.nodes.push({ id: 'ghost', type: 'no/such-node', params: {}, position: { x: 0, y: 0 } });
    const { status, body } = await api(server, 'POST', '/api/workflows/validate', { document: doc });
    expect(status).toBe(200);
    expect(body.problems.map((p: { code: string }) => p.code).sort()).toEqual(['missing-input', 'unknown-asset', 'unknown-node-type']);
    const clean = await api(server, 'POST', '/api/workflows/validate', { document: chain(assetId) });
    expect(clean.body).toEqual({ problems: [] });
  });
});

describe('runs', () => {
  it('queues a valid run (202) and refuses an invalid one (400 with problems)', async () => {
    const ok = await api(server, 'POST', '/api/runs', { document: chain(assetId, 1) });
    expect(ok.status).toBe(202);
    expect(ok.body).toEqual({ id: expect.any(String), status: 'queued' });
    const done = await waitForRun(server, ok.body.id);
    expect(done.status).toBe('succeeded');
    expect(done.nodes).toMatchObject({ load: { status: 'done' }, inv1: { status: 'done' }, save: { status: 'done' } });
    expect(done.durationMs).toBeGreaterThanOrEqual(0);
    // The node's image, then the run's reproducibility record.
    expect(done.artifacts.map((a: { node: string; name: string }) => `${a.node}:${a.name}`)).toEqual(['save:out.png', ':run.json']);
    expect(done.thumbnail).toBe(done.artifacts[0].id);
    const record = (await (await fetch(`${server.url}/api/artifacts/${done.artifacts[1].id}`)).json()) as { nodes: Record<string, unknown> };
    expect(record).toMatchObject({ format: 'lvcd-run-record', status: 'succeeded', inputs: [{ node: 'load', param: 'image', sha256: assetId }] });
    expect(Object.keys(record.nodes)).toEqual(['load', 'inv1', 'save']);

    const doc = chain('0'.repeat(64));
    doc.links = [];
    const bad = await api(server, 'POST', '/api/runs', { document: doc });
    expect(bad.status).toBe(400);
    expect(bad.body.problems.map((p: { code: string }) => p.code).sort()).toEqual(['missing-input', 'unknown-asset']);
    expect(bad.body.message).toMatch(/2 problems/);
  });

  it('records a node failure on the run', async () => {
    const zip = await upload(server, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(40)]), 'not-an-image.zip');
    expect(zip.body.kind).toBe('zip');
    const run = await api(server, 'POST', '/api/runs', { document: chain(zip.body.id, 1) });
    const failed = await waitForRun(server, run.body.id);
    expect(failed.status).toBe('failed');
    // The failure names the param to fix (the Load Image node's `image`), for the editor to mark.
    expect(failed.error).toEqual({ node: 'load', field: 'image', message: expect.stringMatching(/cannot read the image/) });
    expect(failed.nodes.load).toMatchObject({ status: 'failed', field: 'image', message: expect.stringMatching(/cannot read/) });
    expect(failed.nodes.inv1.status).toBe('cancelled');
    const [summary] = (await api(server, 'GET', '/api/runs?limit=1')).body;
    expect(summary).toMatchObject({ id: run.body.id, status: 'failed', error: { node: 'load' } });
  });

  it('runs a saved workflow by id, lists runs newest first and serves artefacts', async () => {
    const saved = await api(server, 'POST', '/api/workflows', { name: 'Saved', document: chain(assetId, 0, 'saved') });
    const first = await api(server, 'POST', '/api/runs', { workflowId: saved.body.id });
    expect(first.status).toBe(202);
    const detail = await waitForRun(server, first.body.id);
    expect(detail).toMatchObject({ status: 'succeeded', workflowId: saved.body.id, workflowName: 'Saved' });

    const list = await api(server, 'GET', '/api/runs?limit=2');
    expect(list.body).toHaveLength(2);
    expect(list.body[0].id).toBe(first.body.id);
    expect(list.body[0].thumbnail).toBe(detail.artifacts[0].id);

    const artifact = detail.artifacts[0];
    expect(artifact).toMatchObject({ node: 'save', name: 'saved.png', mime: 'image/png', kind: 'image' });
    const file = await fetch(`${server.url}/api/artifacts/${artifact.id}?download=1`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('content-disposition')).toContain('saved.png');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBe(artifact.size);
    expect((await api(server, 'GET', '/api/artifacts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('cancels a queued run and refuses to cancel a finished one', async () => {
    const big = await upload(server, await slowChainImage(77), 'big.png');
    const blocker = await api(server, 'POST', '/api/runs', { document: chain(big.body.id, SLOW_CHAIN_INVERTS) });
    const queued = await api(server, 'POST', '/api/runs', { document: chain(assetId, 3) });
    const cancelled = await api(server, 'POST', `/api/runs/${queued.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ id: queued.body.id, status: 'cancelled' });
    expect((await api(server, 'GET', `/api/runs/${queued.body.id}`)).body.status).toBe('cancelled');

    const running = await api(server, 'POST', `/api/runs/${blocker.body.id}/cancel`);
    expect(running.body).toEqual({ id: blocker.body.id, status: 'running' });
    expect((await waitForRun(server, blocker.body.id)).status).toBe('cancelled');
    expect((await api(server, 'POST', `/api/runs/${blocker.body.id}/cancel`)).status).toBe(409);
  });
});

describe('assets', () => {
  it('stores a PNG by content and refuses a text file named .png', async () => {
    const bytes = await png(2, 2, 200);
    const good = await upload(server, bytes, '../../evil name.png');
    expect(good.status).toBe(201);
    expect(good.body).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{64}$/), mime: 'image/png', kind: 'image', size: bytes.length, name: 'evil name.png' });
    const again = await upload(server, bytes, 'copy.png');
    expect(again.body.id).toBe(good.body.id);

    const list = await api(server, 'GET', '/api/assets');
    expect(list.body.filter((a: { id: string }) => a.id === good.body.id)).toHaveLength(1);
    const file = await fetch(`${server.url}/api/assets/${good.body.id}`);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);

    const fake = await upload(server, Buffer.from('just some text, not an image at all'), 'fake.png');
    expect(fake.status).toBe(415);
    expect(fake.body.message).toMatch(/not a PNG/);
    const none = await fetch(`${server.url}/api/assets`, { method: 'POST', body: new FormData() });
    expect(none.status).toBe(400);
    const unicode = await upload(server, await png(2, 2, 201), 'Référence – 線画.png');
    expect(unicode.body.name).toBe('Référence – 線画.png');
    // Neither the adopted nor the refused uploads leave temp files behind.
    expect(await readdir(join(server.dataDir, 'assets/tmp'))).toEqual([]);
  });

  it('refuses an upload over the size limit with 413', async () => {
    const small = await startTestServer(await tempDir(), { LVCD_UPLOAD_LIMIT_MB: '1' });
    try {
      const res = await upload(small, Buffer.concat([await png(), Buffer.alloc(1024 * 1024 + 1)]), 'big.png');
      expect(res.status).toBe(413);
      expect(res.body.message).toMatch(/too large/i);
      expect(await readdir(join(small.dataDir, 'assets/tmp'))).toEqual([]);
    } finally {
      await small.close();
      await removeDir(small.dataDir);
    }
  });
});

describe('bad input', () => {
  it('answers malformed JSON, oversized bodies and wrong types with 4xx and a message', async () => {
    const malformed = await api(server, 'POST', '/api/workflows', undefined, '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toEqual(expect.any(String));

    const huge = await api(server, 'POST', '/api/workflows/validate', { document: { meta: { blob: 'x'.repeat(3 * 1024 * 1024) } } });
    expect(huge.status).toBe(413);
    expect(huge.body.message).toMatch(/too large/);

    const cases: [string, string, unknown, RegExp][] = [
      ['POST', '/api/workflows', { name: 42, document: {} }, /"name"/],
      ['POST', '/api/workflows', [1, 2], /JSON object/],
      ['POST', '/api/workflows/validate', 'just a string', /JSON/],
      ['POST', '/api/runs', { workflowId: 'nope' }, /workflowId/],
      ['POST', '/api/runs', {}, /either/],
      ['POST', '/api/runs', { document: chain(assetId), targets: 'save' }, /targets/],
      ['GET', '/api/runs?limit=-1', undefined, /limit/],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await api(server, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.message).toMatch(message);
    }
  });

  it('answers unknown and path-like ids with 4xx, never 5xx', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const path of [`/api/workflows/${missing}`, `/api/runs/${missing}`, `/api/assets/${'a'.repeat(64)}`]) {
      const res = await api(server, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body.message).toMatch(/no /);
    }
    for (const path of ['/api/runs/..%2F..%2Fetc%2Fpasswd', '/api/artifacts/..%2F..%2Fetc%2Fpasswd', '/api/assets/..%2F..%2Fetc%2Fpasswd', '/api/workflows/..%2F..%2Fetc%2Fpasswd/versions/1', '/api/workflows/%FF']) {
      const res = await api(server, 'GET', path);
      expect(res.status, path).toBe(400);
      expect(res.body.message).toEqual(expect.any(String));
    }
    expect((await api(server, 'POST', `/api/runs/${missing}/requeue`)).status).toBe(404);
    expect((await api(server, 'GET', `/api/workflows/${missing}/versions/0`)).status).toBe(400);
  });
});
