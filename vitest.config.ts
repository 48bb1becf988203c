import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn real processes; give a slow CI machine room without timing anything.
    testTimeout: 30_000,
  },
});
