import { defineConfig } from 'vitest/config';

// Real Chromium against a real server: slow steps, one file at a time (they share the machine with other work).
export default defineConfig({
  test: {
    include: ['tests/**/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
