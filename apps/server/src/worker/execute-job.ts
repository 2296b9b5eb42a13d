import { executeWorkflow, type ExecutionEvent } from '@lvcd/nodes/runtime';
import type { Runtime } from '../runtime/runtime.js';
import type { FramePayload, RunEvent, RunJob, RunOutcome } from '../runs/run-scheduler.js';

/** Turns a frame's bytes into what travels to the API (inline, or a spooled file). */
export type FramePacker = (data: Uint8Array) => FramePayload;

/**
 * Executes one job with the nodes executor; the one code path of the worker process and of in-server runs.
 * Never rejects: an executor that throws outside a node becomes an `error` outcome.
 */
export async function executeJob(job: RunJob, runtime: Runtime, signal: AbortSignal, emit: (event: RunEvent) => void, pack: FramePacker): Promise<RunOutcome> {
  try {
    const result = await executeWorkflow({ plan: job.plan, signal, onEvent: (e) => emit(runEventOf(e, pack)) }, runtime);
    return { kind: 'result', result };
  } catch (e) {
    return { kind: 'error', error: { node: '', message: e instanceof Error ? e.message : String(e) } };
  }
}

function runEventOf(e: ExecutionEvent, pack: FramePacker): RunEvent {
  if (e.type !== 'frame') return e;
  const { data, ...frame } = e;
  return { ...frame, payload: pack(data) };
}
