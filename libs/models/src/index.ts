// The models library: file formats, ONNX graphs and the networks of LVCD, the EDM scheduler, the LVCD pipeline and
// ONNX Runtime sessions. Knows nothing of nodes, HTTP or UI; image and video work lives in @lvcd/media.
// Test-only helpers are the '@lvcd/models/testing' subpath.
export * from './formats/index.js';
export * from './onnx/index.js';
export * from './networks/index.js';
export * from './schedulers/index.js';
export * from './random/index.js';
export * from './pipelines/lvcd/index.js';
export * from './planning/index.js';
export * from './runtime/index.js';
export * from './convert/index.js';
