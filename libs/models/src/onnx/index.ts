// ONNX model writing (hand-encoded protobuf, external data), the GraphBuilder layer, and moving a model's input shapes out for opening.
export * from './proto.js';
export * from './shape.js';
export * from './graph-core.js';
export * from './op-builder.js';
export * from './graph-builder.js';
export * from './model-writer.js';
export * from './input-shapes.js';
