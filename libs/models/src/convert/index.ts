// Network graphs (lineart, VAE encoder/decoder, conditioner encoder, CLIP) and model bundles.
export * from './fixture-paths.js';
export * from './golden.js';
export * from './file-hash.js';
export * from './manifest.js';
export * from './architecture-json.js';
export * from './vae-config.js';
export * from './vae-blocks.js';
export * from './vae-encoder.js';
export * from './vae-decoder.js';
export * from './lineart.js';
export * from './clip-config.js';
export * from './clip-preprocess.js';
export * from './clip-visual.js';
export * from './bundle-graphs.js';
export * from './convert-bundle.js';
export * from './check-bundle.js';
