// Classical (no-network) lineart in LVCD's sketch convention.
export * from './sketch-convention.js';
export * from './lineart-classical.js';
