// Test-only helpers (goldens, fixture paths under ../shared, block checks): the '@lvcd/models/testing' subpath, never the public index.
export * from './fixture-paths.js';
export * from './golden.js';
export * from './golden-call.js';
export * from './block-check.js';
export * from './tiny-bundle.js';
