import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The run's dynalite, and the run's Chromium (unpacked once, before the workers start).
    globalSetup: ['tests/support/global-setup.ts', 'tests/support/chromium-setup.ts'],
    setupFiles: ['tests/support/setup.ts'],
    pool: 'forks',
    // Two cores: two test files at a time.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    restoreMocks: true,
  },
});
