import { configDefaults, defineConfig } from 'vitest/config';
import { attributeHandlers } from './tests/support/attribute-handlers';

/** Holds what the functions sent during the run against their roles: it runs after every other test file. */
const IAM_CHECK = 'tests/integration/iam.test.ts';

/**
 * Files that put 50 containers on the run's one dynalite at once, whose DynamoDB requests must
 * answer within the service's 1 s timeout: they run on their own, after the others, not beside
 * another file on the two cores (beside one, dynalite sometimes answered past that second).
 */
const ALONE = ['tests/integration/refresh-failures.test.ts'];

/** What the groups of test files share. */
const shared = {
  pool: 'forks',
  // Two cores: two test files at a time.
  maxWorkers: 2,
  testTimeout: 20_000,
  hookTimeout: 60_000,
  restoreMocks: true,
} as const;

export default defineConfig({
  test: {
    // The run's dynalite, the run's Chromium (unpacked once, before the workers start), and the
    // run's folder for what the functions send to AWS: every project of the run sees them.
    globalSetup: ['tests/support/global-setup.ts', 'tests/support/chromium-setup.ts', 'tests/support/aws-calls-setup.ts'],
    projects: [
      {
        // Each handler loaded as its function, for the recorder of what it sends to AWS (tests/support/aws-recorder.ts).
        plugins: [attributeHandlers()],
        test: {
          ...shared,
          name: 'suites',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, IAM_CHECK, ...ALONE],
          setupFiles: ['tests/support/setup.ts'],
        },
      },
      {
        // The same, one file at a time, when the suites have finished (groups run in order).
        plugins: [attributeHandlers()],
        test: { ...shared, name: 'alone', include: ALONE, setupFiles: ['tests/support/setup.ts'], maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
      {
        // A group of its own, run when every other test file has finished.
        test: { ...shared, name: 'iam', include: [IAM_CHECK], sequence: { groupOrder: 2 } },
      },
    ],
  },
});
