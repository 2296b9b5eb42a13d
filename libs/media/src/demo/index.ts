// The generated demo clip with its ground truth.
export * from './demo-clip.js';
