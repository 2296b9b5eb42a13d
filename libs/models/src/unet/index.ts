// LVCD's video UNet + sketch ControlNet as ONNX (one denoiser graph or two), with the reference
// attention as graph inputs, and the host-side tables and EDM scalings around it.
export * from './config.js';
export * from './block-plan.js';
export * from './reference-attention-inputs.js';
export * from './reference-attention.js';
export * from './embeddings.js';
export * from './temporal.js';
export * from './resblock.js';
export * from './spatial-transformer.js';
export * from './controlnet.js';
export * from './unet.js';
export * from './denoiser-graph.js';
export * from './denoiser.js';
export * from './convert.js';
export * from './denoiser-session.js';
export * from './block-check.js';
