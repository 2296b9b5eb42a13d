// The LVCD long-video pipeline: its geometry and input checks, overlapped windows, noise carry, stitching, streaming decode.
export * from './geometry.js';
export * from './check-inputs.js';
export * from './image-tensors.js';
export * from './window-plan.js';
export * from './decode-plan.js';
export * from './sampler.js';
export * from './decode-stream.js';
export * from './conditioning.js';
export * from './latent-preview.js';
export * from './latent-store.js';
export * from './pipeline.js';
export * from './window-checkpoint.js';
