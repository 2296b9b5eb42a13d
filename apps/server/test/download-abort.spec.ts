import { encodePng } from '@lvcd/media';
import type { LoggerService } from '@nestjs/common';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestServer, tempDir, upload, type TestServer } from './support/server.js';

/** What the server logs, by level: the app's logger is swapped for this one. */
class CapturingLogger implements LoggerService {
  readonly lines: { level: string; text: string }[] = [];
  log = (m: unknown) => this.add('log', m);
  error = (m: unknown, ...rest: unknown[]) => this.add('error', [m, ...rest].join(' '));
  warn = (m: unknown) => this.add('warn', m);
  debug = (m: unknown) => this.add('debug', m);
  verbose = (m: unknown) => this.add('verbose', m);
  private add(level: string, m: unknown): void {
    this.lines.push({ level, text: String(m) });
  }
}

/** Reads the first chunk of `url`, then drops the connection; resolves once the server has seen the close. */
function abortAfterFirstChunk(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.once('data', (chunk: Buffer) => {
        req.destroy();
        // The server's pipeline fails on its next write or on the socket's close: give it a moment to do so.
        setTimeout(() => resolve(chunk.length), 300);
      });
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.end();
  });
}

let dir: string;
let server: TestServer;
const logger = new CapturingLogger();
let assetId: string;
let size: number;

beforeAll(async () => {
  dir = await tempDir();
  server = await startTestServer(dir);
  server.app.useLogger(logger);
  // Noise does not compress: about 12 MB, far more than the socket buffers hold, so the download is cut mid-stream.
  const data = new Uint8Array(2000 * 2000 * 3).map(() => Math.floor(Math.random() * 256));
  const bytes = await encodePng({ width: 2000, height: 2000, data }, 0);
  size = bytes.length;
  const answer = await upload(server, bytes, 'noise.png');
  expect(answer.status).toBe(201);
  assetId = answer.body.id;
});

afterAll(async () => {
  await server?.close();
  await removeDir(dir);
});

describe('a client that leaves during a download', () => {
  it('is not an error: nothing is logged above debug, and the next download is whole', async () => {
    for (let i = 0; i < 3; i++) expect(await abortAfterFirstChunk(`${server.url}/api/assets/${assetId}`)).toBeLessThan(size);
    expect(logger.lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
    // The downloads were cut mid-stream (the server saw it), and said so in one debug line each at most.
    const left = logger.lines.filter((l) => l.level === 'debug' && l.text.startsWith('client left during noise.png'));
    expect(left.length).toBeGreaterThanOrEqual(1);
    expect(left.length).toBeLessThanOrEqual(3);
    const whole = await fetch(`${server.url}/api/assets/${assetId}`);
    expect((await whole.arrayBuffer()).byteLength).toBe(size);
  });
});
