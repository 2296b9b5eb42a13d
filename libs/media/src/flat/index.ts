export * from './segmentation.js';
export * from './matching.js';
export * from './painting.js';
export * from './flat-colorizer.js';
