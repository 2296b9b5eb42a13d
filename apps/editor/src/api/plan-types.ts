// The answer of POST /api/plan (docs/api.md): what each costly node of a workflow would take, before queueing.

export interface NodeCostEstimate {
  peakBytes: number;
  /** Memory free for it on the server's device, when the server could ask. */
  freeBytes?: number;
  fits: boolean;
  seconds: number;
  /** Lines a person reads: the parts of the figure, what to change when it does not fit, the basis. */
  details: string[];
}

/** One node's estimate, or why there is none before it runs. */
export type NodePlanEstimate = { node: string; estimate: NodeCostEstimate } | { node: string; unknown: string };

export interface PlanAnswer {
  nodes: NodePlanEstimate[];
}
