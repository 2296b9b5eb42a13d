// The REST half of docs/api.md. Every call throws ApiError with the server's message (and problems) on failure.
import type { Problem, WorkflowDocument } from '@lvcd/nodes';
import type { NodeSpec } from '@lvcd/nodes';
import type { ApiErrorBody, Asset, RunDetail, RunSummary, SavedWorkflow, SavedWorkflowSummary } from './types';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(`cannot reach the server (${(e as Error).message})`, 0);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // a non-JSON answer (a proxy's error page) still gets a readable message below
  }
  if (!res.ok) {
    const err = (parsed ?? {}) as ApiErrorBody;
    const message = typeof err.message === 'string' ? err.message : `${method} ${path} failed with ${res.status}`;
    throw new ApiError(message, res.status, Array.isArray(err.problems) ? err.problems : []);
  }
  return parsed as T;
}

export const api = {
  nodes: () => request<NodeSpec[]>('GET', '/api/nodes'),

  listWorkflows: () => request<SavedWorkflowSummary[]>('GET', '/api/workflows'),
  getWorkflow: (id: string) => request<SavedWorkflow>('GET', `/api/workflows/${encodeURIComponent(id)}`),
  createWorkflow: (name: string, document: WorkflowDocument) => request<SavedWorkflow>('POST', '/api/workflows', { name, document }),
  updateWorkflow: (id: string, name: string, document: WorkflowDocument) =>
    request<SavedWorkflow>('PUT', `/api/workflows/${encodeURIComponent(id)}`, { name, document }),
  deleteWorkflow: (id: string) => request<void>('DELETE', `/api/workflows/${encodeURIComponent(id)}`),
  listVersions: (id: string) => request<{ version: number; createdAt: string }[]>('GET', `/api/workflows/${encodeURIComponent(id)}/versions`),
  getVersion: (id: string, version: number) =>
    request<SavedWorkflow>('GET', `/api/workflows/${encodeURIComponent(id)}/versions/${version}`),

  queueRun: (document: WorkflowDocument, targets?: string[]) =>
    request<{ id: string; status: 'queued' }>('POST', '/api/runs', targets ? { document, targets } : { document }),
  listRuns: (limit = 50, offset = 0) => request<RunSummary[]>('GET', `/api/runs?limit=${limit}&offset=${offset}`),
  getRun: (id: string) => request<RunDetail>('GET', `/api/runs/${encodeURIComponent(id)}`),
  cancelRun: (id: string) => request<{ id: string; status: string }>('POST', `/api/runs/${encodeURIComponent(id)}/cancel`),
  requeueRun: (id: string) => request<{ id: string; status: 'queued' }>('POST', `/api/runs/${encodeURIComponent(id)}/requeue`),

  listAssets: () => request<Asset[]>('GET', '/api/assets'),
  uploadAsset: (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<Asset>('POST', '/api/assets', form);
  },
};

export const artifactUrl = (id: string) => `/api/artifacts/${encodeURIComponent(id)}`;
export const assetUrl = (id: string) => `/api/assets/${encodeURIComponent(id)}`;
