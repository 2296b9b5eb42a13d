// The EDM sampling schedule, its Euler step and the denoiser's preconditioning (c_in, c_skip, c_out, c_noise).
export * from './edm-scheduler.js';
export * from './denoiser.js';
