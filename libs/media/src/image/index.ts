// Whole-image operations: resizing to the model grid and blurs.
export * from './resize.js';
export * from './blur.js';
