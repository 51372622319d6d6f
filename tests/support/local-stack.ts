/**
 * Starts the real local stack (the script behind `npm start`) as child processes, with the
 * outbound Spotify traffic of the offline process sent to the emulator by a preload module.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const preload = resolve(import.meta.dirname, 'spotify-emulator/preload.mjs');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export function portIsOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function waitUntilClosed(ports: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await Promise.all(ports.map(portIsOpen))).some(Boolean)) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return false;
}

export interface LocalStack {
  url: string;
  port: number;
  dynamoPort: number;
  output(): string;
  stop(): Promise<void>;
}

export interface StackOptions {
  emulatorUrl: string;
  env?: Record<string, string>;
  dataDir?: string;
  port?: number;
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sh-data-'));
  const dynamoPort = await freePort();
  const workFolder = `.esbuild-stack-${port}`;
  let output = '';
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoPort),
      LAMBDA_PORT: String(await freePort()),
      DYNAMODB_DATA_DIR: dataDir,
      ESBUILD_WORK_FOLDER: workFolder,
      SPOTIFY_EMULATOR_URL: options.emulatorUrl,
      NODE_OPTIONS: `--import ${preload}`,
      ...options.env,
    },
  });
  const ready = new Promise<void>((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`register this redirect URI`)) done();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`local stack exited with ${code}:\n${output}`)));
  });
  const timeout = new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`local stack not ready:\n${output}`)), 90_000).unref());

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // the whole group is gone already
      }
    };
    const exited = new Promise((done) => child.once('exit', done));
    kill('SIGTERM');
    await exited;
    // npm may exit before the script behind it has closed its servers: give them their time, then force.
    if (!(await waitUntilClosed([port, dynamoPort], 10_000))) kill('SIGKILL');
    rmSync(join(root, workFolder), { recursive: true, force: true });
  };

  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, port, dynamoPort, output: () => output, stop };
}
