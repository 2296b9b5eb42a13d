// The models library: tensors and file formats, ONNX graphs and sessions, the LVCD pipeline,
// media IO and the classical (no-network) image operations. Knows nothing of nodes, HTTP or UI.
export * from './frames/index.js';
export * from './lvcd/index.js';
export * from './formats/index.js';
export * from './onnx/index.js';
export * from './convert/index.js';
export * from './runtime/index.js';
export * from './media/index.js';
export * from './unet/index.js';
