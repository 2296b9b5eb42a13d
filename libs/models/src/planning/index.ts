// Pre-flight planning: a run's peak memory and time from the bundle's architecture and measured constants.
export * from './network-cost.js';
export * from './calibration.js';
export * from './estimate-plan.js';
