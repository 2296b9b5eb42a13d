import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, removeDir, startTestServer, tempDir, type TestServer } from './support/server.js';

let server: TestServer;
let editorDir: string;

beforeAll(async () => {
  editorDir = await tempDir('lvcd-editor-');
  await mkdir(join(editorDir, 'assets'));
  await writeFile(join(editorDir, 'index.html'), '<!doctype html><title>LVCD Studio</title>');
  await writeFile(join(editorDir, 'assets/app.js'), 'console.log(1)');
  server = await startTestServer(await tempDir(), { LVCD_EDITOR_DIR: editorDir });
});

afterAll(async () => {
  await server.close();
  await removeDir(server.dataDir);
  await removeDir(editorDir);
});

describe('built editor', () => {
  it('serves files, falls back to index.html for client routes, and leaves /api alone', async () => {
    const root = await fetch(`${server.url}/`);
    expect(await root.text()).toContain('LVCD Studio');
    const script = await fetch(`${server.url}/assets/app.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const route = await fetch(`${server.url}/runs/some-client-route`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('LVCD Studio');
    const unknownApi = await api(server, 'GET', '/api/nope');
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.body.message).toContain('/api/nope');
  });
});
