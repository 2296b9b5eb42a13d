// What the app knows about each node beyond the document: run state, progress, frames and problems.
// Module-level and reactive, because node views are mounted in their own Vue apps by Rete.
import type { Problem } from '@lvcd/nodes';
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
  ms?: number;
  frames: FrameRef[];
  /** Frames expected, when the node said so. */
  frameCount?: number;
  problems: Problem[];
}

const runtime = reactive<Record<string, NodeRuntime>>({});

export function nodeRuntime(id: string): NodeRuntime {
  return (runtime[id] ??= { frames: [], problems: [] });
}

/** Forgets run state (a new run starts, or another run is shown); problems stay. */
export function clearRunState(): void {
  for (const r of Object.values(runtime)) {
    for (const f of r.frames) if (f.url.startsWith('blob:')) URL.revokeObjectURL(f.url);
    r.frames = [];
    delete r.status;
    delete r.value;
    delete r.max;
    delete r.text;
    delete r.message;
    delete r.ms;
    delete r.frameCount;
  }
}

export function setProblems(byNode: Map<string, Problem[]>): void {
  for (const [id, r] of Object.entries(runtime)) if (!byNode.has(id) && r.problems.length) r.problems = [];
  for (const [id, list] of byNode) nodeRuntime(id).problems = list;
}

/** Stores a frame in its slot, replacing an earlier one with the same index. */
export function putFrame(id: string, frame: FrameRef, count?: number): void {
  const r = nodeRuntime(id);
  const old = r.frames.findIndex((f) => f.index === frame.index);
  if (old >= 0) {
    const prev = r.frames[old]!;
    if (prev.url.startsWith('blob:')) URL.revokeObjectURL(prev.url);
    r.frames.splice(old, 1, frame);
  } else {
    r.frames.push(frame);
    r.frames.sort((a, b) => a.index - b.index);
  }
  if (count !== undefined) r.frameCount = count;
}

/** When a run ends, nodes still marked queued or running did not run to the end. */
export function settleUnfinished(): void {
  for (const r of Object.values(runtime)) if (r.status === 'queued' || r.status === 'running') r.status = 'cancelled';
}
