// Quality metrics: PSNR, SSIM, temporal flicker.
export * from './metrics.js';
export * from './bicubic-resize.js';
export * from './paper-protocol.js';
