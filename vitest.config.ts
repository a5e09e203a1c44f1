import { defineConfig } from 'vitest/config';

// Dawn can crash inside worker threads, so every test file runs in a forked process; GPU
// tests acquire the device in beforeAll. Two files at a time: the machine has two cores and
// lavapipe already spreads one kernel over all of them.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    include: ['test/**/*.test.ts'],
  },
});
