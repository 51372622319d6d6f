/**
 * `npm run collect`: runs the history's collector once, on the running local stack (`npm start`),
 * and prints its report (plays stored, days aggregated, a gap if Spotify no longer had some plays).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLLECT_FUNCTION, invokeFunction } from './local-schedule';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const envFile = ['.env.local', '.env'].map((name) => resolve(root, name)).find((path) => existsSync(path));
if (envFile) process.loadEnvFile(envFile);

const port = Number(process.env.PORT || 3000);
const outcome = await invokeFunction(Number(process.env.LAMBDA_PORT || port + 2), COLLECT_FUNCTION);
if (outcome.ok) console.log(`The collector ran: ${outcome.detail}`);
else {
  console.error(`The collector did not run: ${outcome.detail}`);
  process.exitCode = 1;
}
