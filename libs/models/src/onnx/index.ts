// ONNX model writing (hand-encoded protobuf, external data) and the GraphBuilder layer.
export * from './proto.js';
export * from './shape.js';
export * from './graph-core.js';
export * from './op-builder.js';
export * from './graph-builder.js';
export * from './model-writer.js';
