// onnxruntime sessions with provider fallback, and tensor helpers.
export * from './session.js';
export * from './tensors.js';
export * from './provider.js';
