// LVCD's video UNet as ONNX graph builders, with the reference attention as graph inputs.
export * from './config.js';
export * from './block-plan.js';
export * from './reference-attention-inputs.js';
export * from './reference-attention.js';
export * from './embeddings.js';
export * from './temporal.js';
export * from './resblock.js';
export * from './spatial-transformer.js';
export * from './unet.js';
