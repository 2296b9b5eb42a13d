// Graph builders, one folder per network of LVCD.
export * from './unet/index.js';
export * from './denoiser/index.js';
export * from './controlnet/index.js';
export * from './vae/index.js';
export * from './clip/index.js';
export * from './lineart/index.js';
