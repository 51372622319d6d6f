/**
 * `npm run watch`: runs the owner's watch once, on the running local stack (`npm start`), and
 * prints what it sent. The notices themselves go to the stack's log, and to the webhook when
 * NOTIFY_WEBHOOK_URL is set.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invokeWatch } from './local-schedule';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const envFile = ['.env.local', '.env'].map((name) => resolve(root, name)).find((path) => existsSync(path));
if (envFile) process.loadEnvFile(envFile);

const port = Number(process.env.PORT || 3000);
const lambdaPort = Number(process.env.LAMBDA_PORT || port + 2);
const outcome = await invokeWatch(lambdaPort);
if (outcome.ok) {
  console.log(`The watch ran: ${outcome.detail}`);
  console.log('Notices due were written to the local stack\'s log (and sent to NOTIFY_WEBHOOK_URL, if set).');
} else {
  console.error(`The watch did not run: ${outcome.detail}`);
  process.exitCode = 1;
}
