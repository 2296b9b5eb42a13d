// OpenCLIP's vision tower with kornia-exact preprocessing in the graph.
export * from './clip-config.js';
export * from './clip-preprocess.js';
export * from './clip-visual.js';
