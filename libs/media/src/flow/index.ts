// Flow Colorize: colour carried from a reference by dense optical flow (OpenCV.js Farneback), no GPU.
export * from './opencv.js';
export * from './dense-flow.js';
export * from './line-distance.js';
export * from './correspondence.js';
export * from './region-fill.js';
export * from './flow-colorizer.js';
export * from './painted-clip.js';
export * from './palette-snap.js';
export * from './composite-lines.js';
