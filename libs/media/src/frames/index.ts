export * from './rgb-image.js';
export * from './frame-store.js';
