// Checkpoint file formats (safetensors, PyTorch zip pickles) and the WeightSource abstraction.
export * from './errors.js';
export * from './dtype.js';
export * from './safetensors.js';
export * from './safetensors-writer.js';
export * from './pickle.js';
export * from './torch-checkpoint.js';
export * from './weight-source.js';
