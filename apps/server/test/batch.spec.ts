// Batch runs (ComfyUI's batch count) on the real server: POST /api/runs with `batch` queues N runs of one workflow,
// the varied param stepped per run; a batch that cannot apply is refused whole with a 400 naming node, param and fix,
// and the per-client queue limit counts every run of a batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoClipZip, lvcdWorkflow } from './support/lvcd-tiny.js';
import { api, removeDir, startTestServer, tempDir, upload, waitForRun, type TestServer } from './support/server.js';

let server: TestServer;
let clip: string;

// 4 waiting runs per client: a batch of 5 passes it whatever else is queued.
beforeAll(async () => {
  server = await startTestServer(await tempDir('lvcd-batch-'), { LVCD_MAX_QUEUED_RUNS: '4' });
  clip = (await upload(server, await demoClipZip(server.dataDir, { width: 64, height: 64 }, 3), 'clip.zip', 'application/zip')).body.id;
});

afterAll(async () => {
  await server.close();
  await removeDir(server.dataDir);
});

/** The LVCD tiny workflow with the colorize seed set (no bundle is installed: the runs fail at the bundle, after the queue). */
function seeded(seed?: number) {
  const doc = lvcdWorkflow(clip, 1);
  if (seed !== undefined) doc.nodes.find((n) => n.id === 'colorize')!.params.seed = seed;
  return doc;
}

async function queueBatch(body: Record<string, unknown>) {
  return api(server, 'POST', '/api/runs', body);
}

/** The param each run was queued with, once every run has ended (so the next test starts with an empty queue). */
async function paramsOf(ids: string[], node: string, param: string): Promise<unknown[]> {
  const runs = await Promise.all(ids.map((id) => waitForRun(server, id)));
  return runs.map((r) => r.document.nodes.find((n: { id: string }) => n.id === node).params[param]);
}

const runCount = async () => (await api(server, 'GET', '/api/runs?limit=500')).body.length as number;

describe('POST /api/runs with a batch', () => {
  it('queues one run per count with the seed stepped from its default, and answers every id', async () => {
    const res = await queueBatch({ document: seeded(), batch: { count: 3, vary: { node: 'colorize', param: 'seed' } } });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('queued');
    expect(res.body.ids).toHaveLength(3);
    expect(new Set(res.body.ids).size).toBe(3);
    expect(await paramsOf(res.body.ids, 'colorize', 'seed')).toEqual([1234, 1235, 1236]);
    const listed = (await api(server, 'GET', '/api/runs?limit=10')).body.map((r: { id: string }) => r.id);
    expect(listed).toEqual(expect.arrayContaining(res.body.ids));
  });

  it('steps by `step` from the value set, and leaves the workflow as it is without `vary`', async () => {
    const stepped = await queueBatch({ document: seeded(7), batch: { count: 3, vary: { node: 'colorize', param: 'seed', step: 10 } } });
    expect(stepped.status).toBe(202);
    expect(await paramsOf(stepped.body.ids, 'colorize', 'seed')).toEqual([7, 17, 27]);
    const same = await queueBatch({ document: seeded(5), batch: { count: 2 } });
    expect(same.status).toBe(202);
    expect(await paramsOf(same.body.ids, 'colorize', 'seed')).toEqual([5, 5]);
  });

  it('batches a saved workflow by id: every run names the workflow and version it came from', async () => {
    const saved = (await api(server, 'POST', '/api/workflows', { name: 'Batch me', document: seeded(100) })).body;
    const res = await queueBatch({ workflowId: saved.id, batch: { count: 2, vary: { node: 'colorize', param: 'seed' } } });
    expect(res.status).toBe(202);
    expect(await paramsOf(res.body.ids, 'colorize', 'seed')).toEqual([100, 101]);
    for (const id of res.body.ids) expect((await api(server, 'GET', `/api/runs/${id}`)).body).toMatchObject({ workflowId: saved.id, workflowName: 'Batch me' });
  });

  it('varies an integer param down, and refuses one that would leave its range, saying how many fit', async () => {
    const ok = await queueBatch({ document: seeded(), batch: { count: 2, vary: { node: 'colorize', param: 'steps', step: 2 } } });
    expect(await paramsOf(ok.body.ids, 'colorize', 'steps')).toEqual([1, 3]);
    const before = await runCount();
    const res = await queueBatch({ document: seeded(), batch: { count: 3, vary: { node: 'reference', param: 'index', step: -1 } } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('batch.vary: index of node #reference would reach -2, outside [0, 1000000]; queue at most 1 runs, or start index higher, or use a smaller step');
    expect(await runCount()).toBe(before);
  });

  it('refuses a batch naming a missing node, a param that is not a whole number, or a bad count, and queues none of it', async () => {
    const before = await runCount();
    const cases: [unknown, RegExp][] = [
      [{ count: 3, vary: { node: 'nope', param: 'seed' } }, /no node #nope; name one of #load, #models, .*#colorize/],
      [{ count: 3, vary: { node: 'colorize', param: 'condAug' } }, /condAug of node #colorize \(lvcd\/colorize\) is a number param; vary a whole-number param: steps, seed,/],
      [{ count: 3, vary: { node: 'colorize', param: 'ghost' } }, /ghost of node #colorize \(lvcd\/colorize\) is not a param of it/],
      [{ count: 3, vary: { node: 'save', param: 'name' } }, /name of node #save \(output\/save-frames\) is a string param/],
      [{ count: 0 }, /"batch.count" must be a whole number from 1 to 100/],
      [{ count: 101 }, /"batch.count" must be a whole number from 1 to 100/],
      [{ count: 2.5 }, /"batch.count"/],
      [{ count: 2, vary: { node: 'colorize', param: 'seed', step: 0 } }, /"batch.vary.step" must be a whole number other than 0/],
      [{ count: 2, vary: { param: 'seed' } }, /"batch.vary.node" must be a non-empty string/],
      ['three', /"batch" must be a JSON object/],
    ];
    for (const [batch, message] of cases) {
      const res = await queueBatch({ document: seeded(), batch });
      expect(res.status, JSON.stringify(batch)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    expect(await runCount()).toBe(before);
  });

  it('counts every run of a batch against the client’s queued-run limit', async () => {
    const before = await runCount();
    const res = await queueBatch({ document: seeded(), batch: { count: 5, vary: { node: 'colorize', param: 'seed' } } });
    expect(res.status).toBe(429);
    expect(res.body.message).toMatch(/a batch of 5 runs with 0 already waiting passes the limit of 4; .*LVCD_MAX_QUEUED_RUNS/);
    expect(await runCount()).toBe(before);
    const fits = await queueBatch({ document: seeded(), batch: { count: 4 } });
    expect(fits.status).toBe(202);
    await paramsOf(fits.body.ids, 'colorize', 'seed');
  });
});
