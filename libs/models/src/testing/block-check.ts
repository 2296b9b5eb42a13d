import type { InferenceSession } from 'onnxruntime-node';
import type { SafetensorsFile } from '../formats/index.js';
import { maxAbsDiff } from '../runtime/index.js';
import { runDenoiserGraph, type DenoiserGraphCall } from '../runtime/denoiser-session.js';

export interface BlockError {
  readonly block: string;
  readonly maxAbsError: number;
}

export interface BlockComparison {
  /** Every debug output that the reference file also holds, in evaluation order. */
  readonly errors: readonly BlockError[];
  /** The first block above the tolerance: where the divergence starts. */
  readonly firstDiverging: BlockError | undefined;
  readonly worst: BlockError | undefined;
}

/**
 * Runs a debug build (debugOutputs: true) and compares each block output with the tensor of the same
 * name in a reference file (golden-unet-blocks.safetensors), to localise a mismatch.
 */
export async function compareDenoiserBlocks(
  session: InferenceSession,
  call: DenoiserGraphCall,
  debugOutputs: readonly string[],
  reference: SafetensorsFile,
  tolerance: number,
): Promise<BlockComparison> {
  const names = debugOutputs.filter((n) => reference.entries.has(n));
  const outs = await runDenoiserGraph(session, call, names);
  const errors: BlockError[] = [];
  for (const block of names) errors.push({ block, maxAbsError: maxAbsDiff(outs[block]!, await reference.readFloat32(block)) });
  return {
    errors,
    firstDiverging: errors.find((e) => !(e.maxAbsError <= tolerance)),
    worst: errors.reduce<BlockError | undefined>((a, e) => (!a || !(e.maxAbsError <= a.maxAbsError) ? e : a), undefined),
  };
}
