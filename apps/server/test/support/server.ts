import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '../../src/config/config.js';
import { startServer } from '../../src/server.js';

export async function tempDir(prefix = 'lvcd-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface TestServer {
  app: NestExpressApplication;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** The real app on a free port of 127.0.0.1 with its data in `dataDir`. */
export async function startTestServer(dataDir: string, env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({ LVCD_DATA_DIR: dataDir, LVCD_PORT: '0', ...env });
  const app = await startServer(config, { logger: ['error'] });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, dataDir, close: () => app.close() };
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A JSON request; `raw` sends the body text as is (for malformed JSON). */
export async function api<T = any>(server: TestServer, method: string, path: string, body?: unknown, raw?: string): Promise<Answer<T>> {
  const res = await fetch(server.url + path, {
    method,
    headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export async function upload(server: TestServer, bytes: Uint8Array, name: string, mime = 'image/png'): Promise<Answer<any>> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: mime }), name);
  const res = await fetch(`${server.url}/api/assets`, { method: 'POST', body: form });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

export async function connect(server: TestServer): Promise<Socket> {
  const socket = io(server.url, { transports: ['websocket'], forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Resolves with the payload of the first `event` that `match` accepts. */
export function nextEvent<T = any>(socket: Socket, event: string, match: (payload: T) => boolean = () => true, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Polls a run until it leaves queued/running. */
export async function waitForRun(server: TestServer, runId: string, timeoutMs = 15_000): Promise<any> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const { body } = await api(server, 'GET', `/api/runs/${runId}`);
    if (body.status !== 'queued' && body.status !== 'running') return body;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
}

/** A run as GET /api/runs/:id shows it, as far as the specs look. */
export interface RunView {
  status: string;
  error?: { node: string; message: string };
  nodes: Record<string, { status: string }>;
  attempts?: { worker: string; host: string; handedOver?: string }[];
  artifacts: { id: string; name: string; node: string; meta?: Record<string, unknown> }[];
}

/** GET /api/runs/:id. */
export async function getRun(server: TestServer, id: string): Promise<RunView> {
  return (await api(server, 'GET', `/api/runs/${id}`)).body as RunView;
}
