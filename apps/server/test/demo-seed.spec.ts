import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDemoRun } from '../src/cli/demo-run.js';
import { api, removeDir, startTestServer, tempDir, type TestServer } from './support/server.js';

let dir: string;
let server: TestServer;

beforeAll(async () => {
  dir = await tempDir('lvcd-demo-');
  server = await startTestServer(dir);
});

afterAll(async () => {
  await server.close();
  await removeDir(dir);
});

async function waitForRun(id: string): Promise<{ status: string; artifacts: { name: string; mime: string }[]; error?: unknown }> {
  for (let i = 0; i < 600; i++) {
    const run = await api(server, 'GET', `/api/runs/${id}`);
    if (!['queued', 'running'].includes(run.body.status)) return run.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${id} did not end`);
}

describe('npm start on a fresh data dir (lvcd serve --run-demo)', () => {
  it('saves the demo workflow and the LVCD template once, and the demo run colours the clip end to end', async () => {
    await queueDemoRun(server.app, server.url);
    await queueDemoRun(server.app, server.url);
    const workflows = await api(server, 'GET', '/api/workflows');
    expect(workflows.body.map((w: { name: string }) => w.name).sort()).toEqual(['Demo: flat colorization', 'LVCD: colour a clip from its first frame']);
    const runs = await api(server, 'GET', '/api/runs');
    expect(runs.body).toHaveLength(2);
    const first = await waitForRun(runs.body[1].id);
    expect(first.status, JSON.stringify(first.error)).toBe('succeeded');
    expect(first.artifacts.map((a) => a.mime)).toEqual(expect.arrayContaining(['video/mp4', 'application/json']));
    // The second start finds everything cached.
    const second = await waitForRun(runs.body[0].id);
    expect(second.status).toBe('succeeded');
  });
});
