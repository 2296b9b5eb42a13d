import { generateDemoClip } from '@lvcd/media';
import { unzipSync } from 'fflate';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, SLOW_CHAIN_INVERTS, slowChainImage } from './support/fixtures.js';
import { copyClipWorkflow, runLvcd, startLvcd, waitForOutput } from './support/lvcd-cli.js';
import { api, removeDir, startTestServer, tempDir, waitForRun, type TestServer } from './support/server.js';

// `lvcd run --server`: a real studio on a free port, and the built CLI as a separate process with its Socket.IO client.
let dir: string;
let server: TestServer;

beforeAll(async () => {
  dir = await tempDir('lvcd-cli-server-');
  server = await startTestServer(join(dir, 'studio-data'));
  const clip = await generateDemoClip(join(dir, 'demo'), { frames: 4, width: 64, height: 64, seed: 5, fps: 8 });
  await copyFile(clip.zip, join(dir, 'clip.zip'));
  await writeFile(join(dir, 'copy.json'), JSON.stringify(copyClipWorkflow()));
  await writeFile(join(dir, 'slow.png'), await slowChainImage(77));
  // The slow chain's image is set with --set, so the placeholder id is never looked up.
  await writeFile(join(dir, 'slow.json'), JSON.stringify(chain('0'.repeat(64), SLOW_CHAIN_INVERTS)));
});

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

afterAll(async () => {
  await server?.close();
  await removeDir(dir);
});

describe('lvcd run --server', () => {
  it('uploads the clip, queues the run on the studio, prints its progress and downloads its outputs; the studio lists the run', async () => {
    const run = await runLvcd(dir, {}, 'run', 'copy.json', '--server', server.url, '--set', 'load.frames=clip.zip', '--out', 'out');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const runId = /run ([0-9a-f-]{36}) queued on/.exec(run.stdout)?.[1];
    expect(runId, run.stdout).toBeDefined();
    expect(run.stdout).toMatch(/--set load\.frames: clip\.zip uploaded as asset [0-9a-f]{64}/);
    expect(run.stdout).toMatch(/\[1\/2\] Load Frames \(load\) done in/);
    expect(run.stdout).toMatch(/\[2\/2\] Save Frames \(save\) done in/);
    expect(run.stdout).toMatch(/succeeded in .*; 2 files in/);

    // In the studio's History, with the workflow's name, and its asset in the studio's list.
    const history = await api(server, 'GET', '/api/runs');
    expect(history.body.find((r: { id: string }) => r.id === runId)).toMatchObject({ status: 'succeeded', workflowName: 'copy a clip' });
    expect((await api(server, 'GET', '/api/assets')).body.map((a: { name: string }) => a.name)).toContain('clip.zip');
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['copy.zip', 'run.json']);
    expect(Object.keys(unzipSync(new Uint8Array(await readFile(join(dir, 'out/copy.zip'))))).sort()).toEqual(['0000.png', '0001.png', '0002.png', '0003.png', 'workflow.json']);
  });

  it('Ctrl-C cancels the run on the studio and waits until it has stopped', async () => {
    const cli = startLvcd(dir, {}, ['run', 'slow.json', '--server', server.url, '--set', 'load.image=slow.png']);
    await waitForOutput(cli, /Invert Image \(inv2\) /);
    const runId = /run ([0-9a-f-]{36}) queued on/.exec(cli.stdout)![1]!;
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stdout).toContain(`cancelling run ${runId} on the studio`);
    expect(result.stderr).toMatch(/^cancelled/);
    expect((await waitForRun(server, runId)).status).toBe('cancelled');
  });

  it("prints the studio's problems with the command line's fixes, and says when no studio answers", async () => {
    const invalid = await runLvcd(dir, {}, 'run', 'copy.json', '--server', server.url);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('copy.json cannot run: 1 problem');
    expect(invalid.stderr).toContain('node load, param frames: no asset chosen (give the file: lvcd run WORKFLOW --set load.frames=PATH');

    const nobody = await runLvcd(dir, {}, 'run', 'copy.json', '--server', `http://127.0.0.1:${await closedPort()}`, '--set', 'load.frames=clip.zip');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/cannot reach the studio at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); start it with lvcd serve, or check --server/);
  });

  it('assets add --server uploads to the studio with its checks and prints the id', async () => {
    const added = await runLvcd(dir, {}, 'assets', 'add', 'slow.png', '--server', server.url);
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect((await api(server, 'GET', '/api/assets')).body.map((a: { id: string }) => a.id)).toContain(id);
    await writeFile(join(dir, 'notes.txt'), 'plain text');
    const refused = await runLvcd(dir, {}, 'assets', 'add', 'notes.txt', '--server', server.url);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the studio refused POST /api/assets (415): "notes.txt" is not a PNG');
  });
});

describe('lvcd run --server with sign-in on', () => {
  const token = 'cli-test-token-0123456789';
  let guarded: TestServer;

  beforeAll(async () => {
    guarded = await startTestServer(join(dir, 'guarded-data'), { LVCD_AUTH_TOKEN: token });
  });

  afterAll(async () => {
    await guarded?.close();
  });

  it('sends the token to the API and the socket (--token, or LVCD_AUTH_TOKEN), and says how when it is missing', async () => {
    const refused = await runLvcd(dir, { LVCD_AUTH_TOKEN: '' }, 'run', 'copy.json', '--server', guarded.url, '--set', 'load.frames=clip.zip');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the studio refused POST \/api\/assets \(401\): not signed in.*\(pass --token or set LVCD_AUTH_TOKEN\)/);
    const signed = await runLvcd(dir, { LVCD_AUTH_TOKEN: '' }, 'run', 'copy.json', '--server', guarded.url, '--token', token, '--set', 'load.frames=clip.zip');
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    expect(signed.stdout).toMatch(/\[2\/2\] Save Frames \(save\) done in/);
    const fromEnv = await runLvcd(dir, { LVCD_AUTH_TOKEN: token }, 'run', 'copy.json', '--server', guarded.url, '--set', 'load.frames=clip.zip');
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
  });
});
