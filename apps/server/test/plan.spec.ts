import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoClipZip, installTinyBundle, lvcdWorkflow } from './support/lvcd-tiny.js';
import { api, removeDir, startTestServer, tempDir, upload, type TestServer } from './support/server.js';

const SIZE = { width: 128, height: 64 };
let dir: string;
let server: TestServer;
let clip: string;

beforeAll(async () => {
  dir = await tempDir();
  await installTinyBundle(join(dir, 'models'), SIZE);
  server = await startTestServer(join(dir, 'data'), { LVCD_MODELS_DIR: join(dir, 'models') });
  clip = (await upload(server, await demoClipZip(join(dir, 'clip'), SIZE, 24), 'clip.zip', 'application/zip')).body.id;
}, 180_000);

afterAll(async () => {
  await server?.close();
  await removeDir(dir);
});

describe('POST /api/plan', () => {
  it("answers each LVCD node's peak memory and time before any run, without running the nodes upstream", async () => {
    const res = await api(server, 'POST', '/api/plan', { document: lvcdWorkflow(clip, 2) });
    expect(res.status).toBe(200);
    expect(res.body.nodes).toEqual([
      {
        node: 'colorize',
        estimate: {
          peakBytes: expect.any(Number),
          freeBytes: expect.any(Number),
          fits: true,
          seconds: expect.any(Number),
          details: expect.arrayContaining([expect.stringMatching(/^\d windows? for \d+ frames at 128x64, 2 steps, on the CPU$/)]),
        },
      },
    ]);
    expect(res.body.nodes[0].estimate.peakBytes).toBeGreaterThan(100 * 2 ** 20);
    // Nothing was queued: the clip's shape came from its zip, the lineart model never ran.
    expect((await api(server, 'GET', '/api/runs')).body).toHaveLength(0);
  });

  it('refuses a body that is not a workflow with its problems, and names what it cannot know', async () => {
    expect((await api(server, 'POST', '/api/plan', [])).status).toBe(400);
    const unreadable = await api(server, 'POST', '/api/plan', { document: { format: 'nope' } });
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.problems.length).toBeGreaterThan(0);

    const doc = lvcdWorkflow(clip, 2);
    doc.links = doc.links.filter((l) => l.to.input !== 'sketches');
    const unlinked = await api(server, 'POST', '/api/plan', { document: doc });
    expect(unlinked.status).toBe(400);
    expect(unlinked.body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ node: 'colorize' })]));

    const missing = lvcdWorkflow(clip, 2);
    missing.nodes.find((n) => n.id === 'models')!.params['bundle'] = 'absent';
    const answer = await api(server, 'POST', '/api/plan', { document: missing });
    expect(answer.status).toBe(200);
    expect(answer.body.nodes).toEqual([{ node: 'colorize', unknown: expect.stringMatching(/absent/) }]);

    const none = lvcdWorkflow(clip, 2);
    none.nodes = none.nodes.filter((n) => n.id !== 'colorize');
    none.links = none.links.filter((l) => l.to.node !== 'colorize' && l.from.node !== 'colorize');
    expect((await api(server, 'POST', '/api/plan', { document: none })).body).toEqual({ nodes: [] });
  });
});
