import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    // Conversion + onnxruntime runs on the tiny fixtures take seconds, more on a busy 2-core box.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
