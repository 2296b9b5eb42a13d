// Shapes of the server's answers, as docs/api.md describes them.
import type { Problem } from '@lvcd/nodes';

export type {
  ArtifactView as Artifact,
  AssetView as Asset,
  NodeState as RunNodeState,
  NodeStatus,
  RunDetail,
  RunStatus,
  RunSummary,
  SavedWorkflow,
  WorkflowSummary as SavedWorkflowSummary,
} from '@lvcd/nodes';

/** A `frame` event from the run's room (the socket protocol's message). */
export type { FrameMessage as FrameEvent } from '@lvcd/nodes';

/** `batch` of POST /api/runs (docs/api.md): `count` runs, with `vary.param` of node `vary.node` + i * `step` (1) in run i. */
export interface RunBatch {
  count: number;
  vary?: { node: string; param: string; step?: number };
}

export interface ApiErrorBody {
  statusCode?: number;
  message?: string;
  problems?: Problem[];
}
