export * from './rng.js';
export * from './edm-scheduler.js';
export * from './window-plan.js';
export * from './decode-plan.js';
