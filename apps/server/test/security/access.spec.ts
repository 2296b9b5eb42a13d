import { spawn } from 'node:child_process';
import { rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { dataPaths } from '../../src/config/data-paths.js';
import { startServer } from '../../src/server.js';
import { chain, png } from '../support/fixtures.js';
import { api, removeDir, startTestServer, tempDir, upload, waitForRun, type TestServer } from '../support/server.js';
import { raw } from './helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
const REPO = resolve(import.meta.dirname, '../../../..');
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});

async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const dir = await tempDir('lvcd-access-');
  dirs.push(dir);
  return startTestServer(dir, env);
}

/** The outcome of a Socket.IO handshake with the given headers: 'connected' or the refusal's message. */
function handshake(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((done) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: headers });
    socket.once('connect', () => {
      socket.close();
      done('connected');
    });
    socket.once('connect_error', (e) => {
      socket.close();
      done(e.message);
    });
  });
}

function hostOf(s: TestServer): string {
  return new URL(s.url).host;
}

describe('listening beyond loopback', () => {
  it('refuses to start on 0.0.0.0 without a token, saying how to set one', async () => {
    const config = loadConfig({ LVCD_DATA_DIR: await tempDir('lvcd-access-'), LVCD_HOST: '0.0.0.0', LVCD_PORT: '0' });
    dirs.push(config.dataDir);
    const start = startServer(config, { logger: ['error'] });
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without authentication[\s\S]*LVCD_AUTH_TOKEN/);
  });

  it('refuses a token too short to be safe', () => {
    expect(() => loadConfig({ LVCD_AUTH_TOKEN: 'short' })).toThrow(/LVCD_AUTH_TOKEN must be at least 12 characters/);
  });

  it('the CLI exits 1 with the message', async () => {
    const dir = await tempDir('lvcd-access-');
    dirs.push(dir);
    const env = { ...process.env, LVCD_AUTH_TOKEN: '', LVCD_PASSWORD: '' };
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((done, fail) => {
      const child = spawn(process.execPath, [join(REPO, 'bin/lvcd.mjs'), 'serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dir], { env });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('error', fail);
      child.on('close', (c) => done({ code: c, stderr: err }));
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without authentication/);
  });
});

describe('with auth on', () => {
  let s: TestServer;
  let cookie: string;

  beforeAll(async () => {
    s = await server({ LVCD_AUTH_TOKEN: TOKEN, LVCD_LOGIN_ATTEMPTS_PER_MINUTE: '5' });
  });
  afterAll(() => s.close());

  it('refuses the API without a session (401) and sends pages to /login', async () => {
    for (const path of ['/api/health', '/api/workflows', '/api/runs', '/api/assets', '/api/nodes']) {
      const answer = await api(s, 'GET', path);
      expect(answer.status, path).toBe(401);
      expect(answer.body.message).toMatch(/not signed in: sign in at \/login/);
    }
    expect((await api(s, 'POST', '/api/runs', { document: {} })).status).toBe(401);
    const page = await fetch(`${s.url}/`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login');
    const login = await fetch(`${s.url}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toMatch(/<form method="post" action="\/api\/auth\/login">/);
  });

  it('a wrong secret is a 401; the right one sets an HttpOnly SameSite=Strict session cookie', async () => {
    const wrong = await api(s, 'POST', '/api/auth/login', { secret: 'nope-nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toBe('wrong token or password');
    const right = await api(s, 'POST', '/api/auth/login', { secret: TOKEN });
    expect(right.status).toBe(200);
    const setCookie = right.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^lvcd_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    cookie = setCookie.split(';')[0]!;
    const health = await fetch(`${s.url}/api/health`, { headers: { cookie } });
    expect(health.status).toBe(200);
    expect(await (await fetch(`${s.url}/api/auth/session`, { headers: { cookie } })).json()).toEqual({ auth: true, signedIn: true });
  });

  it('the login form posts and redirects to the editor', async () => {
    const res = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      body: new URLSearchParams({ secret: TOKEN }),
      redirect: 'manual',
      headers: { origin: s.url },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('accepts the token as a bearer header (scripts, the CLI), and a forged one not', async () => {
    expect((await fetch(`${s.url}/api/workflows`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${s.url}/api/workflows`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await fetch(`${s.url}/api/workflows`, { headers: { cookie: 'lvcd_session=forged' } })).status).toBe(401);
  });

  it('refuses a cross-origin POST even with a valid session cookie (CSRF)', async () => {
    const body = JSON.stringify({ name: 'csrf', document: chain('0'.repeat(64)) });
    const attempts: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { referer: 'http://evil.example/page' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: `http://localhost:1` },
    ];
    for (const headers of attempts) {
      const res = await raw(s.url, { method: 'POST', path: '/api/workflows', headers: { ...headers, cookie, 'content-type': 'application/json' }, body });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.json.message).toMatch(/refused \(cross-site request forgery protection\)/);
    }
    const same = await raw(s.url, { method: 'POST', path: '/api/workflows', headers: { origin: s.url, cookie, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, body });
    expect(same.status).toBe(201);
  });

  it('Socket.IO needs the session, and a same-origin handshake', async () => {
    expect(await handshake(s.url, {})).toMatch(/not signed in/);
    expect(await handshake(s.url, { cookie: 'lvcd_session=forged' })).toMatch(/not signed in/);
    expect(await handshake(s.url, { cookie })).toBe('connected');
    expect(await handshake(s.url, { cookie, origin: 'http://evil.example' })).toMatch(/cross-origin request from http:\/\/evil\.example was refused/);
  });

  it('never stores the token inside a workflow', async () => {
    const document = { ...chain('0'.repeat(64)), meta: { name: 'leak', note: `token ${TOKEN}` } };
    const res = await fetch(`${s.url}/api/workflows`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'leak', document }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/holds the studio's access token or password/);
  });

  it('logout revokes the session', async () => {
    const login = await api(s, 'POST', '/api/auth/login', { secret: TOKEN });
    const mine = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${s.url}/api/auth/logout`, { method: 'POST', headers: { cookie: mine } })).status).toBe(204);
    expect((await fetch(`${s.url}/api/health`, { headers: { cookie: mine } })).status).toBe(401);
  });

  it('slows down guessing: sign-in attempts per address are limited (429)', async () => {
    let last = 0;
    for (let i = 0; i < 8; i++) last = (await api(s, 'POST', '/api/auth/login', { secret: `guess-${i}-xxxxxxxx` })).status;
    expect(last).toBe(429);
    const limited = await api(s, 'POST', '/api/auth/login', { secret: TOKEN });
    expect(limited.status).toBe(429);
    expect(limited.body.message).toMatch(/too many sign-in attempts/);
  });
});

describe('on loopback without auth', () => {
  let s: TestServer;
  let assetId: string;

  beforeAll(async () => {
    s = await server({ LVCD_RUNS_PER_MINUTE: '4', LVCD_JSON_LIMIT_MB: '1' });
    assetId = (await upload(s, await png(4, 4, 7), 'a.png')).body.id;
  });
  afterAll(() => s.close());

  it('answers loopback names and refuses a rebound Host (DNS rebinding)', async () => {
    const port = new URL(s.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await raw(s.url, { path: '/api/health', headers: { host } })).status, host).toBe(200);
    }
    // No Host at all is refused by node's HTTP parser itself (400).
    expect((await raw(s.url, { path: '/api/health', headers: { host: '' } })).status).toBe(400);
    for (const host of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1.attacker.example:${port}`, `user@localhost:${port}`, 'localhost:5580/evil']) {
      const res = await raw(s.url, { path: '/api/health', headers: { host } });
      expect(res.status, host).toBe(403);
      expect(res.json.message).toMatch(/Host header .* is not a name this server answers to/);
    }
    expect(await handshake(s.url, { host: `attacker.example:${port}` })).toMatch(/is not a name this server answers to/);
  });

  it('keeps CORS closed and refuses cross-origin writes and socket handshakes', async () => {
    const preflight = await raw(s.url, { method: 'OPTIONS', path: '/api/runs', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const post = await raw(s.url, {
      method: 'POST',
      path: '/api/runs',
      headers: { origin: 'http://evil.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ document: chain(assetId) }),
    });
    expect(post.status).toBe(403);
    const read = await raw(s.url, { path: '/api/workflows', headers: { 'sec-fetch-site': 'cross-site', host: hostOf(s) } });
    expect(read.status).toBe(403);
    expect(await handshake(s.url, { origin: 'http://evil.example' })).toMatch(/cross-origin request/);
    expect(await handshake(s.url, { origin: s.url })).toBe('connected');
    // The editor's own requests: same origin, no header to add.
    const own = await raw(s.url, { method: 'POST', path: '/api/workflows/validate', headers: { origin: s.url, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, body: JSON.stringify({ document: chain(assetId) }) });
    expect(own.status).toBe(200);
  });

  it('refuses path traversal: encoded, double-encoded and dot segments', async () => {
    const paths = [
      '/api/assets/..%2f..%2f..%2fetc%2fpasswd',
      '/api/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/api/assets/%252e%252e%252f%252e%252e%252fetc%252fpasswd',
      '/api/artifacts/..%2f..%2flvcd.sqlite',
      '/api/artifacts/%252e%252e%252flvcd.sqlite',
      '/api/assets/../../../../etc/passwd',
      '/api/artifacts/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/..%5c..%5c..%5cetc%5cpasswd',
      `/api/assets/${assetId}%00.png`,
    ];
    for (const path of paths) {
      const res = await raw(s.url, { path });
      // Outside /api the editor's index.html answers any path (client-side routes); it is never the file asked for.
      if (path.startsWith('/api/')) expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(res.text, path).not.toMatch(/root:.*:0:0:|SQLite format/);
    }
  });

  it('does not follow a symlink planted in the asset store or the run folder', async () => {
    const outside = join(s.dataDir, '..', `outside-${Date.now()}.png`);
    await writeFile(outside, await png(4, 4, 99));
    const id = (await upload(s, await png(4, 4, 8), 'b.png')).body.id;
    const file = join(dataPaths(s.dataDir).assets, id);
    await rm(file);
    await symlink(outside, file);
    const res = await api(s, 'GET', `/api/assets/${id}`);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/outside the data folder/);
    // A run that loads it fails on its node with the reason, it does not read the outside file.
    const run = await api(s, 'POST', '/api/runs', { document: chain(id, 0, 'sym') });
    const done = await waitForRun(s, run.body.id);
    expect(done.status).toBe('failed');
    expect(done.error.message).toMatch(/outside the asset folder/);

    const ok = await api(s, 'POST', '/api/runs', { document: chain(assetId, 0, 'art') });
    const finished = await waitForRun(s, ok.body.id);
    const artifact = finished.artifacts[0];
    const artifactFile = join(dataPaths(s.dataDir).runs, ok.body.id, `${artifact.id}.png`);
    await rm(artifactFile);
    await symlink(outside, artifactFile);
    const served = await api(s, 'GET', `/api/artifacts/${artifact.id}`);
    expect(served.status).toBe(403);
    await rm(outside);
  });

  it('limits run submissions per client with a 429 that says when to retry', async () => {
    const statuses: number[] = [];
    let refusal: any;
    for (let i = 0; i < 6; i++) {
      const res = await api(s, 'POST', '/api/runs', { document: chain(assetId, 0, `rate${i}`) });
      statuses.push(res.status);
      if (res.status === 429) refusal = res;
    }
    expect(statuses.filter((x) => x === 202).length).toBeLessThanOrEqual(4);
    expect(statuses.at(-1)).toBe(429);
    expect(refusal.body.message).toMatch(/too many run submissions: at most 4 a minute per client; wait \d+ s/);
    expect(Number(refusal.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a JSON body over LVCD_JSON_LIMIT_MB with a 413', async () => {
    const res = await api(s, 'POST', '/api/workflows/validate', { document: chain(assetId), pad: 'x'.repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/too large/);
  });
});

describe('queued runs per client', () => {
  it('refuses a run past LVCD_MAX_QUEUED_RUNS with a 429 naming the limit', async () => {
    const s = await server({ LVCD_MAX_QUEUED_RUNS: '2' });
    try {
      const slow = (await upload(s, await png(800, 800, 3), 'slow.png')).body.id;
      const fast = (await upload(s, await png(4, 4, 3), 'fast.png')).body.id;
      const blocker = await api(s, 'POST', '/api/runs', { document: chain(slow, 200, 'blocker') });
      await new Promise((r) => setTimeout(r, 100));
      const queued = [];
      for (let i = 0; i < 3; i++) queued.push(await api(s, 'POST', '/api/runs', { document: chain(fast, 0, `q${i}`) }));
      // The blocker may still be queued for a moment: then it counts too, and fewer fit.
      expect(queued.at(-1)!.status).toBe(429);
      expect(queued.at(-1)!.body.message).toMatch(/you already have 2 runs waiting in the queue/);
      await api(s, 'POST', `/api/runs/${blocker.body.id}/cancel`);
      for (const q of queued.filter((r) => r.status === 202)) await waitForRun(s, q.body.id);
      // Once they left the queue there is room again.
      expect((await api(s, 'POST', '/api/runs', { document: chain(fast, 0, 'after') })).status).toBe(202);
    } finally {
      await s.close();
    }
  });
});
