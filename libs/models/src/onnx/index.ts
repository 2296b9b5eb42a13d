// ONNX model writing (hand-encoded protobuf, external data), the GraphBuilder layer, and the rewrites made to models before opening them (input shapes moved out, integer constants declared as inputs).
export * from './proto.js';
export * from './shape.js';
export * from './graph-core.js';
export * from './op-builder.js';
export * from './graph-builder.js';
export * from './model-writer.js';
export * from './input-shapes.js';
export * from './integer-constants.js';
export { OnnxModelFormatError } from './model-edit.js';
