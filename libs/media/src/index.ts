// The media library: frames, image and video IO, classical lineart, Flat Colorize, metrics, the demo clip.
// Not neural-network code; knows nothing of models, nodes, HTTP or UI.
export * from './frames/index.js';
export * from './io/index.js';
export * from './image/index.js';
export * from './lineart/index.js';
export * from './flat/index.js';
export * from './metrics/index.js';
export * from './demo/index.js';
export * from './flow/index.js';
