// SVD's autoencoder: the image encoder (mean/logvar) and the temporal decoder.
export * from './vae-config.js';
export * from './vae-blocks.js';
export * from './vae-encoder.js';
export * from './vae-decoder.js';
