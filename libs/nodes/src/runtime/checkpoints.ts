/**
 * Work a node finished before it stopped (LVCD's windows), saved under the node's cache key so that executing
 * the same node again, after a crash, a killed worker or a cancel, continues after it instead of starting over.
 * The key covers the node's type, version, params, inputs and model files, so a checkpoint is only ever read back
 * by an execution that would compute exactly what it holds.
 */
export interface CheckpointStore {
  /** Saves checkpoint `index` of the execution `key`, whole or not at all. */
  save(key: string, index: number, data: Uint8Array): Promise<void>;
  /** Checkpoint `index` of `key`, or undefined when none was saved. */
  load(key: string, index: number): Promise<Uint8Array | undefined>;
  /** Drops every checkpoint of `key` (its node finished and its outputs are cached). */
  clear(key: string): Promise<void>;
}

/** The checkpoints of the one node execution a context belongs to. */
export interface WindowCheckpoints {
  save(index: number, data: Uint8Array): Promise<void>;
  load(index: number): Promise<Uint8Array | undefined>;
}

export function checkpointsOf(store: CheckpointStore, key: string): WindowCheckpoints {
  return { save: (index, data) => store.save(key, index, data), load: (index) => store.load(key, index) };
}
