// Seeded random numbers for sampling noise.
export * from './rng.js';
