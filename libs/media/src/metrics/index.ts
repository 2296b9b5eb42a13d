// Quality metrics: PSNR, SSIM, temporal flicker.
export * from './metrics.js';
