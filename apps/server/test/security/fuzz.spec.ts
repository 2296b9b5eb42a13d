import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Problem } from '@lvcd/nodes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, png } from '../support/fixtures.js';
import { api, removeDir, startTestServer, tempDir, upload, waitForRun, type Answer, type TestServer } from '../support/server.js';
import { badWorkflow, runBody, saveBody } from './fuzz-cases.js';
import { seeded } from './helpers.js';
import { uploadCases } from './upload-cases.js';

/** Change the seed to explore; a failure prints the seed and case index, which replay exactly. */
const SEED = Number(process.env.LVCD_FUZZ_SEED ?? 20_260_509);
const WORKFLOWS = 1000;
const PARALLEL = 8;
const LIMITS = { maxSide: 4096, maxFrames: 20, uploadLimit: 1024 * 1024 };

/** Problems about a document as a whole; every other problem is about a node and must name it. */
const DOCUMENT_LEVEL = new Set<Problem['code']>(['bad-document', 'unknown-version', 'nothing-to-run']);

let server: TestServer;
let assetId: string;
let savedId: string;

beforeAll(async () => {
  server = await startTestServer(await tempDir('lvcd-fuzz-'), {
    LVCD_RUNS_PER_MINUTE: '1000000',
    LVCD_MAX_QUEUED_RUNS: '1000000',
    LVCD_UPLOAD_LIMIT_MB: '1',
    LVCD_MAX_IMAGE_SIDE: String(LIMITS.maxSide),
    LVCD_MAX_FRAMES: String(LIMITS.maxFrames),
  });
  assetId = (await upload(server, await png(4, 4, 11), 'fuzz.png')).body.id;
  savedId = (await api(server, 'POST', '/api/workflows', { name: 'target', document: chain(assetId, 1) })).body.id;
});

afterAll(async () => {
  await server.close();
  await removeDir(server.dataDir);
});

/** The contract for any answer to bad input: never a 5xx, and a refusal names the problem. */
function checkAnswer(where: string, answer: Answer<any>, ok: number[]): void {
  expect(answer.status, `${where}: ${JSON.stringify(answer.body)?.slice(0, 300)}`).toBeLessThan(500);
  if (ok.includes(answer.status)) return;
  expect(answer.status, where).toBeGreaterThanOrEqual(400);
  expect(typeof answer.body?.message, where).toBe('string');
  expect(answer.body.message.length, where).toBeGreaterThan(0);
  if (answer.body.problems !== undefined) checkProblems(where, answer.body.problems);
}

function checkProblems(where: string, problems: unknown): void {
  expect(Array.isArray(problems), where).toBe(true);
  for (const p of problems as Problem[]) {
    expect(typeof p.code, where).toBe('string');
    expect(p.message.length, `${where}: ${JSON.stringify(p)}`).toBeGreaterThan(0);
    expect(p.fix.length, `${where}: ${JSON.stringify(p)}`).toBeGreaterThan(0);
    if (!DOCUMENT_LEVEL.has(p.code)) expect(typeof p.node, `${where}: a ${p.code} problem must name its node: ${JSON.stringify(p)}`).toBe('string');
  }
}

async function healthy(): Promise<void> {
  const health = await api(server, 'GET', '/api/health');
  expect(health.status).toBe(200);
  expect(health.body.ok).toBe(true);
}

describe(`fuzz (seed ${SEED})`, () => {
  it(`answers ${WORKFLOWS} generated bad workflows on validate, runs, save and update without a 5xx`, async () => {
    const r = seeded(SEED);
    const cases = Array.from({ length: WORKFLOWS }, () => badWorkflow(r, assetId));
    const tally = { requests: 0, refused: 0, accepted: 0, problems: 0 };
    const runIds: string[] = [];
    for (let start = 0; start < cases.length; start += PARALLEL) {
      await Promise.all(
        cases.slice(start, start + PARALLEL).map(async (document, k) => {
          const i = start + k;
          const where = (endpoint: string) => `seed ${SEED} case ${i} ${endpoint}`;
          const rr = seeded(SEED + i);
          const validate = await api(server, 'POST', '/api/workflows/validate', { document });
          checkAnswer(where('validate'), validate, [200]);
          if (validate.status === 200) {
            checkProblems(where('validate'), validate.body.problems);
            tally.problems += validate.body.problems.length;
          }
          const run = await api(server, 'POST', '/api/runs', runBody(rr, document));
          checkAnswer(where('runs'), run, [202]);
          if (run.status === 202) runIds.push(run.body.id);
          const save = await api(server, 'POST', '/api/workflows', saveBody(rr, document));
          checkAnswer(where('save'), save, [201]);
          const update = await api(server, 'PUT', `/api/workflows/${savedId}`, saveBody(rr, document));
          checkAnswer(where('update'), update, [200]);
          tally.requests += 4;
          for (const a of [run, save, update]) a.status < 300 ? tally.accepted++ : tally.refused++;
        }),
      );
    }
    // Nothing set a key on Object.prototype in this process (the server runs in it).
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Runs that were valid enough to queue end properly too.
    for (const id of runIds) {
      const done = await waitForRun(server, id, 30_000);
      expect(['succeeded', 'failed'], `run ${id}`).toContain(done.status);
      if (done.status === 'failed') expect(done.error.message.length).toBeGreaterThan(0);
    }
    await healthy();
    console.log(`[fuzz] seed ${SEED}: ${WORKFLOWS} workflows, ${tally.requests} requests, ${tally.refused} refused, ${tally.accepted} accepted, ${runIds.length} runs executed, ${tally.problems} problems named, 0 5xx`);
    expect(tally.refused).toBeGreaterThan(WORKFLOWS);
  }, 120_000);

  it('answers malformed bodies and raw JSON with prototype keys without a 5xx', async () => {
    const raws = [
      '{',
      '[]',
      '"document"',
      'null',
      '{"document": {"__proto__": {"polluted": 1}, "format": "lvcd-studio/workflow"}}',
      `{"document": {"format": "${WORKFLOW_FORMAT}", "version": ${WORKFLOW_VERSION}, "nodes": [{"id": "a", "type": "image/invert", "params": {"__proto__": {"polluted": 1}}, "position": {"x": 0, "y": 0}}], "links": [], "meta": {"__proto__": {"polluted": 1}}}}`,
      `{"document": ${'['.repeat(5000)}${']'.repeat(5000)}}`,
      `{"document": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`,
      '{"document": 1e999999}',
      '{"document": "\\ud800"}',
      `{"name": "x", "document": {"format": "${WORKFLOW_FORMAT}", "version": 1, "nodes": [], "links": [], "meta": {}}, "name": "dup"}`,
    ];
    for (const [i, text] of raws.entries()) {
      for (const [method, path] of [['POST', '/api/workflows/validate'], ['POST', '/api/runs'], ['POST', '/api/workflows'], ['PUT', `/api/workflows/${savedId}`]] as const) {
        const answer = await api(server, method, path, undefined, text);
        checkAnswer(`raw ${i} ${method} ${path}`, answer, [200, 201, 202]);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await healthy();
  });

  it('refuses hostile uploads with a reason, and runs on the stored ones fail on their node, not the server', async () => {
    const r = seeded(SEED ^ 0x5eed);
    const cases = await uploadCases(r, LIMITS);
    let refused = 0;
    let stored = 0;
    const runs: { label: string; id: string }[] = [];
    for (const c of cases) {
      const answer = await upload(server, c.bytes, c.name, c.mime);
      const where = `upload "${c.label}"`;
      checkAnswer(where, answer, [201]);
      if (c.expect === 'refused') expect(answer.status, `${where}: ${JSON.stringify(answer.body)}`).not.toBe(201);
      if (c.expect === 'stored') expect(answer.status, `${where}: ${JSON.stringify(answer.body)}`).toBe(201);
      if (c.says && answer.status !== 201) expect(answer.body.message, where).toMatch(c.says);
      if (answer.status !== 201) {
        refused++;
        continue;
      }
      stored++;
      const document = answer.body.kind === 'zip' ? framesWorkflow(answer.body.id) : answer.body.kind === 'video' ? videoWorkflow(answer.body.id) : chain(answer.body.id, 1, 'up');
      const run = await api(server, 'POST', '/api/runs', { document });
      checkAnswer(`${where} run`, run, [202]);
      if (run.status === 202) runs.push({ label: c.label, id: run.body.id });
    }
    for (const run of runs) {
      const done = await waitForRun(server, run.id, 30_000);
      expect(['succeeded', 'failed'], run.label).toContain(done.status);
      if (done.status === 'failed') {
        expect(done.error.node, run.label).not.toBe('');
        expect(done.error.message.length, run.label).toBeGreaterThan(10);
      }
    }
    // Bad multipart: no file field, two files, a text field only.
    const none = await fetch(`${server.url}/api/assets`, { method: 'POST', body: new FormData() });
    expect(none.status).toBe(400);
    const two = new FormData();
    two.append('file', new Blob([await png(4, 4, 1)]), 'a.png');
    two.append('file', new Blob([await png(4, 4, 2)]), 'b.png');
    const twice = await fetch(`${server.url}/api/assets`, { method: 'POST', body: two });
    expect(twice.status).toBeGreaterThanOrEqual(400);
    expect(twice.status).toBeLessThan(500);
    await healthy();
    console.log(`[fuzz] seed ${SEED}: ${cases.length} uploads, ${refused} refused, ${stored} stored, ${runs.length} runs on them, 0 5xx`);
    expect(cases.length).toBeGreaterThanOrEqual(60);
  }, 90_000);
});

function framesWorkflow(id: string) {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    nodes: [
      { id: 'load', type: 'frames/load', params: { frames: id, fps: 12 }, position: { x: 0, y: 0 } },
      { id: 'preview', type: 'output/preview', params: { count: 8 }, position: { x: 200, y: 0 } },
    ],
    links: [{ from: { node: 'load', output: 'frames' }, to: { node: 'preview', input: 'frames' } }],
    meta: { name: 'fuzz frames' },
  };
}

function videoWorkflow(id: string) {
  const doc = framesWorkflow(id);
  doc.nodes[0] = { id: 'load', type: 'frames/load-video', params: { video: id, maxFrames: 10 } as never, position: { x: 0, y: 0 } };
  return doc;
}
