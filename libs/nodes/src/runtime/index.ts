// Node-only runtime: execute functions, the executor, the output cache and the asset store.
export * from './values.js';
export * from './node-type.js';
export * from './define-node.js';
export * from './registry.js';
export * from './hash.js';
export * from './output-cache.js';
export * from './events.js';
export * from './executor.js';
export * from './run-record-writer.js';
export * from './machine-facts.js';
export * from './asset-store.js';
export * from './model-fingerprints.js';
export * from './checkpoints.js';
export * from './file-checkpoint-store.js';
export * from './decode-offload.js';
