// The one HTTP client of the editor (docs/api.md, the compare endpoints included). Every call throws ApiError
// with the server's message (and problems) on failure.
import type { CompareExport, NodeSpec, OutputPage, PairMetrics, Problem, ReproducibilityState, SequenceInfo, WorkerView, WorkflowDocument } from '@lvcd/nodes';
import type { ApiErrorBody, Asset, RunBatch, RunDetail, RunSummary, SavedWorkflow, SavedWorkflowSummary } from './types';
import type { PlanAnswer } from './plan-types';

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

const enc = encodeURIComponent;

/** `base` is empty in the browser (same origin); tests give a server's address. */
export function createApiClient(base = '') {
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
      res = await fetch(base + path, init);
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

  return {
    nodes: () => request<NodeSpec[]>('GET', '/api/nodes'),

    listWorkflows: () => request<SavedWorkflowSummary[]>('GET', '/api/workflows'),
    getWorkflow: (id: string) => request<SavedWorkflow>('GET', `/api/workflows/${enc(id)}`),
    createWorkflow: (name: string, document: WorkflowDocument) => request<SavedWorkflow>('POST', '/api/workflows', { name, document }),
    updateWorkflow: (id: string, name: string, document: WorkflowDocument) => request<SavedWorkflow>('PUT', `/api/workflows/${enc(id)}`, { name, document }),
    deleteWorkflow: (id: string) => request<void>('DELETE', `/api/workflows/${enc(id)}`),
    listVersions: (id: string) => request<{ version: number; createdAt: string }[]>('GET', `/api/workflows/${enc(id)}/versions`),
    getVersion: (id: string, version: number) => request<SavedWorkflow>('GET', `/api/workflows/${enc(id)}/versions/${version}`),

    queueRun: (document: WorkflowDocument, targets?: string[]) =>
      request<{ id: string; status: 'queued' }>('POST', '/api/runs', targets ? { document, targets } : { document }),
    /** ComfyUI's batch count: `batch.count` runs of the document, `batch.vary` stepped per run; every id, run 0 first. */
    queueBatch: (document: WorkflowDocument, batch: RunBatch) => request<{ ids: string[]; status: 'queued' }>('POST', '/api/runs', { document, batch }),
    /** Each LVCD node's peak memory and time for the document, before it is queued (nothing runs). */
    plan: (document: WorkflowDocument) => request<PlanAnswer>('POST', '/api/plan', { document }),
    listRuns: (limit = 50, offset = 0) => request<RunSummary[]>('GET', `/api/runs?limit=${limit}&offset=${offset}`),
    getRun: (id: string) => request<RunDetail>('GET', `/api/runs/${enc(id)}`),
    cancelRun: (id: string) => request<{ id: string; status: string }>('POST', `/api/runs/${enc(id)}/cancel`),
    requeueRun: (id: string) => request<{ id: string; status: 'queued' }>('POST', `/api/runs/${enc(id)}/requeue`),

    /** The processes that execute runs, as their last heartbeats say (the Workers panel). */
    listWorkers: () => request<WorkerView[]>('GET', '/api/workers'),

    listAssets: () => request<Asset[]>('GET', '/api/assets'),
    uploadAsset: (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return request<Asset>('POST', '/api/assets', form);
    },

    /** An artefact's body read as JSON (a Quality Metrics node's metrics.json). */
    artifactJson: <T>(id: string) => request<T>('GET', artifactUrl(id)),
    /** What the server would run with now (bundles, runtime, node versions): the rerun warning compares a record to it. */
    reproducibility: () => request<ReproducibilityState>('GET', '/api/reproducibility'),
    /** The outputs gallery: a page of images and videos of every run (`query` from outputs/outputs-store). */
    listOutputs: (query: string) => request<OutputPage>('GET', `/api/artifacts?${query}`),
    sequence: (artifact: string) => request<SequenceInfo>('GET', `/api/artifacts/${enc(artifact)}/frames`),
    pairMetrics: (a: string, b: string) => request<PairMetrics>('GET', `/api/compare/metrics?a=${enc(a)}&b=${enc(b)}`),
    exportMp4: (body: { a: string; b: string; artifactA?: string; artifactB?: string; labels?: [string, string] }) =>
      request<CompareExport>('POST', '/api/compare/export', body),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

export const artifactUrl = (id: string) => `/api/artifacts/${enc(id)}`;
export const assetUrl = (id: string) => `/api/assets/${enc(id)}`;
export const frameUrl = (artifact: string, index: number) => `/api/artifacts/${enc(artifact)}/frames/${index}`;
