// @vitest-environment node
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyWorkflow } from '@lvcd/nodes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient, frameUrl } from './client';

/** A real HTTP server answering a few routes as the studio does, and logging what it was asked. */
const seen: { method: string; url: string; type?: string; body: string }[] = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', ...(req.headers['content-type'] ? { type: req.headers['content-type'] } : {}), body });
    const send = (status: number, payload?: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    if (req.url === '/api/runs' && req.method === 'POST') return send(400, { statusCode: 400, message: 'workflow is invalid', problems: [{ code: 'cycle', message: 'a cycle', fix: 'break it' }] });
    if (req.url?.startsWith('/api/compare/metrics')) return send(200, { frames: [{ index: 0, psnr: 30, ssim: 0.9 }] });
    if (req.url === '/api/workflows/w%2F1' && req.method === 'DELETE') return send(204);
    if (req.url === '/api/nodes') return send(502, '<html>bad gateway</html>', 'text/html');
    send(404, { statusCode: 404, message: `no route ${req.url}` });
  });
});
let api: ReturnType<typeof createApiClient>;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = createApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the API client', () => {
  it("throws the server's message and problems on a refusal", async () => {
    const err = await api.queueRun(emptyWorkflow()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ message: 'workflow is invalid', status: 400, problems: [{ code: 'cycle' }] });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/api/runs', type: 'application/json' });
  });

  it('reads the compare endpoints through the same client, ids escaped', async () => {
    const m = await api.pairMetrics('a/b', 'c');
    expect(m.frames[0]).toEqual({ index: 0, psnr: 30, ssim: 0.9 });
    expect(seen.at(-1)?.url).toBe('/api/compare/metrics?a=a%2Fb&b=c');
    expect(frameUrl('x/y', 3)).toBe('/api/artifacts/x%2Fy/frames/3');
  });

  it('answers nothing for 204, and a readable error for a page that is not JSON', async () => {
    await expect(api.deleteWorkflow('w/1')).resolves.toBeUndefined();
    await expect(api.nodes()).rejects.toMatchObject({ message: 'GET /api/nodes failed with 502', status: 502 });
  });

  it('says the server cannot be reached when nothing listens', async () => {
    const away = createApiClient('http://127.0.0.1:9');
    await expect(away.listRuns()).rejects.toMatchObject({ status: 0, message: expect.stringContaining('cannot reach the server') });
  });
});
