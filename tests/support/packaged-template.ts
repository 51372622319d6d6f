/**
 * The packaged prod template the IAM check reads: the one tests/integration/package.test.ts
 * packaged in this run (it leaves a copy in the run's folder), or, when that suite did not run,
 * one packaged here, once (`serverless package --stage prod`, ~15 s, no AWS credentials).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { copyOfService, serviceEnvironment } from './local-stack';

/** Where package.test.ts leaves its template for the IAM check, in the run's folder. */
export const TEMPLATE_COPY = 'packaged-template.json';

/** Keeps the template `out` (a `serverless package` folder) in the run's folder `dir`. */
export function keepTemplate(out: string, dir: string): void {
  copyFileSync(join(out, 'cloudformation-template-update-stack.json'), join(dir, TEMPLATE_COPY));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function packagedTemplate(dir: string): Promise<{ Resources: Record<string, any> }> {
  const kept = join(dir, TEMPLATE_COPY);
  if (!existsSync(kept)) {
    const service = copyOfService();
    const out = mkdtempSync(join(tmpdir(), 'sh-package-'));
    try {
      const environment = serviceEnvironment({ SPOTIFY_CLIENT_ID: 'prod-client-id', OWNER_SPOTIFY_ID: 'owner-123', ESBUILD_WORK_FOLDER: '.esbuild-package' });
      for (const name of Object.keys(environment)) if (name.startsWith('AWS_')) delete environment[name];
      await promisify(execFile)(process.execPath, [join(service, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'prod', '--package', out], {
        cwd: service,
        env: { ...environment, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' },
        timeout: 120_000,
      });
      keepTemplate(out, dir);
    } finally {
      rmSync(service, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  }
  return JSON.parse(readFileSync(kept, 'utf8'));
}
