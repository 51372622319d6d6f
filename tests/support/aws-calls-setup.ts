/**
 * The run's folder for what the functions sent to AWS (tests/support/aws-recorder.ts): each test
 * file's worker writes its records there, and tests/integration/iam.test.ts, which runs after
 * every other test file (vitest.config.ts), reads them. It goes when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    awsCallsDir: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'sh-aws-calls-'));
  project.provide('awsCallsDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
