// What the app knows about each node beyond the document: run state, progress, frames and problems.
// Reactive, because node views are mounted in their own Vue apps by Rete and read it from there.
import type { NodeSpec, Problem } from '@lvcd/nodes';
import { reactive } from 'vue';
import type { NodeStatus } from '../api/types';

export interface FrameRef {
  index: number;
  url: string;
  width: number;
  height: number;
}

export interface NodeRuntime {
  status?: NodeStatus;
  value?: number;
  max?: number;
  text?: string;
  message?: string;
  /** The input or param a failure names. */
  field?: string;
  ms?: number;
  frames: FrameRef[];
  /** Frames expected, when the node said so. */
  frameCount?: number;
  /** What a measuring node (Quality Metrics) found, from its artefact. */
  metrics?: MeasuredQuality;
  problems: Problem[];
}

export interface MeasuredQuality {
  psnr: number;
  ssim: number;
  frames: number;
  /** How it was measured (the paper's 256x256 protocol, or at the clip's own size), when the node said. */
  protocol?: string;
  /** The metrics JSON artefact, whose per-frame rows the node's sparkline draws. */
  artifact?: string;
}

export type RunStatePatch = Partial<Pick<NodeRuntime, 'status' | 'value' | 'max' | 'text' | 'message' | 'field' | 'ms' | 'metrics'>>;

/** A run failure as the problems panel lists it, beside validation problems. */
export type RunFailure = Omit<Problem, 'code'> & { code: 'run-failed'; node: string };

const RUN_STATE_KEYS = ['status', 'value', 'max', 'text', 'message', 'field', 'ms', 'frameCount', 'metrics'] as const;

export function createNodeRuntime() {
  const runtime = reactive<Record<string, NodeRuntime>>({});

  function nodeRuntime(id: string): NodeRuntime {
    // Read back through the proxy: `??=` evaluates to the plain object it stored, which a computed would not track.
    runtime[id] ??= { frames: [], problems: [] };
    return runtime[id];
  }

  function setRunState(id: string, patch: RunStatePatch): void {
    Object.assign(nodeRuntime(id), patch);
  }

  function clearOne(r: NodeRuntime): void {
    for (const f of r.frames) if (f.url.startsWith('blob:')) URL.revokeObjectURL(f.url);
    r.frames = [];
    for (const k of RUN_STATE_KEYS) delete r[k];
  }

  /** Forgets run state (a new run starts, or another run is shown); problems stay. */
  function clearRunState(): void {
    for (const r of Object.values(runtime)) clearOne(r);
  }

  /** Forgets the run state of these nodes only: they left the document, or are new in it under a reused id. */
  function forgetRunState(ids: Iterable<string>): void {
    for (const id of ids) {
      const r = runtime[id];
      if (r) clearOne(r);
    }
  }

  function setProblems(byNode: Map<string, Problem[]>): void {
    for (const [id, r] of Object.entries(runtime)) if (!byNode.has(id) && r.problems.length) r.problems = [];
    for (const [id, list] of byNode) nodeRuntime(id).problems = list;
  }

  /** Stores a frame in its slot, replacing an earlier one with the same index. */
  function putFrame(id: string, frame: FrameRef, count?: number): void {
    const r = nodeRuntime(id);
    const old = r.frames.findIndex((f) => f.index === frame.index);
    const prev = r.frames[old];
    if (prev) {
      if (prev.url.startsWith('blob:')) URL.revokeObjectURL(prev.url);
      r.frames.splice(old, 1, frame);
    } else {
      r.frames.push(frame);
      r.frames.sort((a, b) => a.index - b.index);
    }
    if (count !== undefined) r.frameCount = count;
  }

  /** When a run ends, nodes still marked queued or running did not run to the end. */
  function settleUnfinished(): void {
    for (const r of Object.values(runtime)) if (r.status === 'queued' || r.status === 'running') r.status = 'cancelled';
  }

  /** Failed nodes of the shown run, the field at fault named as an input or a param of the node's spec. */
  function failures(specs: ReadonlyMap<string, NodeSpec>, nodeTypes: ReadonlyMap<string, string>): RunFailure[] {
    const out: RunFailure[] = [];
    for (const [node, r] of Object.entries(runtime)) {
      if (r.status !== 'failed' || !r.message) continue;
      const spec = specs.get(nodeTypes.get(node) ?? '');
      const place = r.field ? fieldPlace(spec, r.field) : {};
      out.push({ code: 'run-failed', node, message: r.message, fix: 'fix it and queue the run again', ...place });
    }
    return out;
  }

  return { nodeRuntime, setRunState, clearRunState, forgetRunState, setProblems, putFrame, settleUnfinished, failures };
}

export type NodeRuntimeStore = ReturnType<typeof createNodeRuntime>;

/** Whether a failure's field is one of the node's inputs or one of its params (a param when the spec is unknown). */
export function fieldPlace(spec: NodeSpec | undefined, field: string): { input: string } | { param: string } {
  return spec?.inputs.some((i) => i.name === field) ? { input: field } : { param: field };
}
