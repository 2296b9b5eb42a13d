// The informative-drawings lineart generator (sk_model.pth).
export * from './lineart.js';
