/**
 * The local stack behind `npm start`: dynalite (data kept in .dynamodb/, so the owner's
 * authorization survives a restart), then `serverless offline start`, which migrates the table
 * from serverless.yml and serves the functions on http://127.0.0.1:PORT.
 * Ctrl-C or SIGTERM stops both.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import dynalite from 'dynalite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (existsSync(resolve(root, '.env'))) process.loadEnvFile(resolve(root, '.env'));

const port = Number(process.env.PORT ?? 3000);
const dynamoPort = Number(process.env.DYNAMODB_PORT ?? 8000);
const lambdaPort = Number(process.env.LAMBDA_PORT ?? port + 2);
const dataDir = resolve(root, process.env.DYNAMODB_DATA_DIR ?? '.dynamodb');
const baseUrl = `http://127.0.0.1:${port}`;
const redirectUri = process.env.SPOTIFY_REDIRECT_URI || `${baseUrl}/callback`;

for (const name of ['SPOTIFY_CLIENT_ID', 'SPOTIFY_CLIENT_SECRET']) {
  if (!process.env[name]) console.warn(`! ${name} is not set: copy .env.example to .env and fill it in (the service will say so too).`);
}

mkdirSync(dataDir, { recursive: true });
const database = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
await new Promise<void>((done, fail) => {
  database.once('error', fail);
  database.listen(dynamoPort, '127.0.0.1', () => done());
});

const serverlessBin = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
const offline = spawn(process.execPath, [serverlessBin, 'offline', 'start'], {
  cwd: root,
  env: {
    ...process.env,
    PORT: String(port),
    LAMBDA_PORT: String(lambdaPort),
    DYNAMODB_PORT: String(dynamoPort),
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    SPOTIFY_REDIRECT_URI: redirectUri,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});

offline.stdout.pipe(process.stdout);
offline.stderr.pipe(process.stderr);
const announce = (chunk: Buffer) => {
  if (chunk.toString().includes('Server ready')) {
    console.log(`
  spotify-highlights is running on ${baseUrl}
  1. In the Spotify developer dashboard, register this redirect URI: ${redirectUri}
  2. Open ${baseUrl}/login in your browser and allow access.
  3. curl ${baseUrl}/highlights
`);
  }
};
offline.stdout.on('data', announce);
offline.stderr.on('data', announce);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (offline.exitCode === null && offline.signalCode === null) {
    const exited = new Promise((done) => offline.once('exit', done));
    offline.kill('SIGTERM');
    const force = setTimeout(() => offline.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  }
  const closed = new Promise((done) => database.close(done));
  database.closeAllConnections();
  await closed;
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
offline.on('exit', (code) => void stop(code ?? 1));
