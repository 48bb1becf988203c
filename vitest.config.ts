import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn real processes; give a slow CI machine room without timing anything.
    testTimeout: 30_000,
    // Most test files wait on child processes, so one worker more than the cores keeps them busy.
    maxWorkers: availableParallelism() + 1,
    // Threads that keep their modules from file to file: a fresh process and module graph per file
    // cost about a fifth of the suite's CPU time. No test file changes shared state without undoing it,
    // and every spy is restored after its test, so one file's mocks never reach the next.
    pool: 'threads',
    isolate: false,
    restoreMocks: true,
    // Schemas are checked in the mode the node runs them in (main.ts imports this first).
    setupFiles: ['src/schema/zod-config.ts'],
  },
});
