// The LVCD long-video pipeline: overlapped windows, noise carry, stitching, streaming decode.
export * from './window-plan.js';
export * from './decode-plan.js';
export * from './sampler.js';
export * from './decode-stream.js';
export * from './conditioning.js';
export * from './latent-preview.js';
export * from './latent-store.js';
export * from './pipeline.js';
export * from './window-checkpoint.js';
