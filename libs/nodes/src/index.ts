// Browser-safe part of the node library: the workflow document, the catalogue types and validation.
// Execute functions and the executor are in './runtime' and './catalogue' (Node only).
export * from './types.js';
export * from './workflow.js';
export * from './problems.js';
export * from './params.js';
export * from './graph.js';
export * from './plan.js';
export * from './roles.js';
export * from './validate.js';
export * from './api.js';
export * from './socket-protocol.js';
export * from './png-text.js';
