// Checkpoints -> ONNX model bundle (graphs, manifest, hashes) and the bundle check.
export * from './file-hash.js';
export * from './architecture-json.js';
export * from './bundle-graphs.js';
export * from './convert-bundle.js';
export * from './check-bundle.js';
