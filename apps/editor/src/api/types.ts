// Shapes of the server's answers, as docs/api.md describes them.
import type { Problem, WorkflowDocument } from '@lvcd/nodes';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export type NodeStatus = 'queued' | 'running' | 'cached' | 'done' | 'failed' | 'cancelled';

export interface Artifact {
  id: string;
  node: string;
  name: string;
  mime: string;
  kind: string;
  size: number;
  meta?: Record<string, unknown>;
}

export interface RunSummary {
  id: string;
  status: RunStatus;
  workflowId?: string;
  workflowName?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  error?: { node: string; message: string };
  thumbnail?: string;
}

export interface RunNodeState {
  status: NodeStatus;
  ms?: number;
  value?: number;
  max?: number;
  text?: string;
  message?: string;
}

export interface RunDetail extends RunSummary {
  document: WorkflowDocument;
  nodes: Record<string, RunNodeState>;
  artifacts: Artifact[];
}

export interface SavedWorkflowSummary {
  id: string;
  name: string;
  version: number;
  updatedAt: string;
}

export interface SavedWorkflow extends SavedWorkflowSummary {
  document: WorkflowDocument;
}

export interface Asset {
  id: string;
  name: string;
  mime: string;
  kind: string;
  size: number;
  createdAt?: string;
}

/** A `frame` event from the run's room. */
export interface FrameEvent {
  runId: string;
  node: string;
  output: string;
  index: number;
  count?: number;
  width: number;
  height: number;
  mime: string;
  data: ArrayBuffer | Uint8Array;
}

export interface ApiErrorBody {
  statusCode?: number;
  message?: string;
  problems?: Problem[];
}
