// ONNX Runtime: sessions with provider fallback and an optimised-graph cache, tensor helpers, the denoiser session and the bundle's opened networks.
export * from './bundle-manifest.js';
export * from './session.js';
export * from './optimised-graphs.js';
export * from './tensors.js';
export * from './feeds.js';
export * from './device-memory.js';
export * from './provider.js';
export * from './denoiser-session.js';
export * from './bundle-networks.js';
export * from './bundle-pool.js';
export * from './lazy-sessions.js';
