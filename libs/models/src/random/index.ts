// Seeded noise: PyTorch's CPU generator (what a seed means in the original LVCD) and the original's draws.
export * from './torch-generator.js';
export * from './lvcd-noise.js';
