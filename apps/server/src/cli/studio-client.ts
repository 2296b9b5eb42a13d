import type { AssetView, ClientToServerEvents, RunDetail, ServerToClientEvents } from '@lvcd/nodes';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { InputError } from './command.js';
import { zipFrameFolder } from './frame-folder.js';

export type StudioSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The studio's HTTP API and Socket.IO endpoint as `lvcd --server` uses them; every refusal becomes the studio's own message. */
export class StudioClient {
  readonly url: string;

  constructor(url: string, private readonly token: string | undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(`--server "${url}" is not a URL; give the studio's address, e.g. http://127.0.0.1:5580`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InputError(`--server "${url}" must be an http:// or https:// address`);
    this.url = parsed.origin;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.send<T>(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? {} : { 'content-type': 'application/json' });
  }

  /** Uploads a file, or a folder of numbered images zipped first; the studio checks it as any upload. */
  async uploadAsset(path: string): Promise<AssetView> {
    const source = resolve(path);
    const info = await stat(source).catch(() => undefined);
    if (!info) throw new InputError(`no file or folder ${path}`);
    const scratch = info.isDirectory() ? await mkdtemp(join(tmpdir(), 'lvcd-upload-')) : undefined;
    try {
      const file = scratch ? join(scratch, `${basename(source)}.zip`) : source;
      if (scratch) await zipFrameFolder(source, file);
      const form = new FormData();
      // A Blob backed by the file: the upload streams from disk instead of reading the clip into memory.
      form.append('file', await openAsBlob(file), basename(file));
      return await this.send<AssetView>('POST', '/api/assets', form, {});
    } finally {
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
  }

  run(id: string): Promise<RunDetail> {
    return this.request<RunDetail>('GET', `/api/runs/${id}`);
  }

  async download(path: string): Promise<Response> {
    const res = await this.fetch('GET', path, undefined, {});
    if (!res.ok) throw new InputError(`the studio answered ${res.status} for ${path}`);
    return res;
  }

  /** A Socket.IO connection, with the same token as the HTTP calls. */
  async connect(): Promise<StudioSocket> {
    const socket: StudioSocket = io(this.url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(this.token ? { auth: { token: this.token } } : {}) });
    await new Promise<void>((done, fail) => {
      socket.once('connect', () => done());
      socket.once('connect_error', (e) => fail(new InputError(`cannot follow the run on ${this.url}: ${e.message}`)));
    });
    return socket;
  }

  private async send<T>(method: string, path: string, body: RequestInit['body'], headers: Record<string, string>): Promise<T> {
    const res = await this.fetch(method, path, body, headers);
    const text = await res.text();
    const parsed = parseJson(text);
    if (!res.ok) throw new StudioRefusal(res.status, `${method} ${path}`, parsed ?? text);
    return parsed as T;
  }

  private async fetch(method: string, path: string, body: RequestInit['body'], headers: Record<string, string>): Promise<Response> {
    try {
      return await fetch(this.url + path, { method, body: body ?? null, headers: { ...headers, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) } });
    } catch (e) {
      // fetch says only "fetch failed"; what went wrong (ECONNREFUSED, ENOTFOUND, ...) is in its cause.
      const reason = (e as { cause?: { code?: string; message?: string } }).cause;
      const cause = reason?.code ?? reason?.message ?? (e as Error).message;
      throw new InputError(`cannot reach the studio at ${this.url} (${cause}); start it with lvcd serve, or check --server`);
    }
  }
}

/** A 4xx/5xx from the studio, with its message and, for a workflow it will not run, its problems. */
export class StudioRefusal extends InputError {
  override name = 'StudioRefusal';
  readonly problems: unknown[];

  constructor(readonly status: number, what: string, body: unknown) {
    const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
    super(`the studio refused ${what} (${status}): ${Array.isArray(message) ? message.join('; ') : String(message)}${status === 401 ? ' (pass --token or set LVCD_AUTH_TOKEN)' : ''}`);
    const problems = typeof body === 'object' && body !== null ? (body as { problems?: unknown }).problems : undefined;
    this.problems = Array.isArray(problems) ? problems : [];
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}
