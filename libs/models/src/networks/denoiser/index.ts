// The one-graph denoiser: the UNet joined to the sketch ControlNet (or the two as separate graphs), and its conversion.
export * from './denoiser-graph.js';
export * from './convert-denoiser.js';
