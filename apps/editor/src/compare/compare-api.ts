// The compare endpoints of docs/api.md ("Comparing runs"); errors surface as ApiError like the rest of the client.
import { ApiError } from '../api/client';
import type { CompareExport, PairMetrics, SequenceInfo } from '@lvcd/nodes';
import type { Artifact } from '../api/types';

export type { CompareExport as ExportResult, PairMetricRow as MetricRow, PairMetrics, SequenceInfo } from '@lvcd/nodes';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(`cannot reach the server (${(e as Error).message})`, 0);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: the status line says enough below
  }
  if (!res.ok) {
    const message = (parsed as { message?: unknown } | undefined)?.message;
    throw new ApiError(typeof message === 'string' ? message : `${method} ${path} failed with ${res.status}`, res.status);
  }
  return parsed as T;
}

export const frameUrl = (artifact: string, index: number) => `/api/artifacts/${encodeURIComponent(artifact)}/frames/${index}`;

export const compareApi = {
  sequence: (artifact: string) => call<SequenceInfo>('GET', `/api/artifacts/${encodeURIComponent(artifact)}/frames`),
  pairMetrics: (a: string, b: string) => call<PairMetrics>('GET', `/api/compare/metrics?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`),
  exportMp4: (body: { a: string; b: string; artifactA?: string; artifactB?: string; labels?: [string, string] }) => call<CompareExport>('POST', '/api/compare/export', body),
  json: <T>(url: string) => call<T>('GET', url),
};

/** Artefacts that hold a frame sequence the server can split (same rule as the server's). */
export function isSequence(a: Artifact): boolean {
  return a.mime === 'application/zip' || a.mime.startsWith('video/') || a.mime === 'image/gif';
}

/** The sequence compared by default: a Save Frames zip (lossless) first, then an mp4. Mirrors the server's pick. */
export function pickSequence(artifacts: readonly Artifact[]): Artifact | undefined {
  const seqs = artifacts.filter(isSequence);
  return seqs.find((a) => a.mime === 'application/zip') ?? seqs.find((a) => a.mime === 'video/mp4') ?? seqs[0];
}
