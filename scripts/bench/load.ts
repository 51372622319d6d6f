/**
 * A small bounded load loop: `concurrency` keep-alive connections, each sending GETs back to
 * back until `seconds` have passed or `maxRequests` were sent. Loopback URLs only.
 */
import { Agent, get } from 'node:http';
import { summarize, type Summary } from './stats';

export interface LoadOptions {
  concurrency: number;
  seconds: number;
  maxRequests: number;
}

export interface LoadFigure {
  concurrency: number;
  requests: number;
  /** Answers other than 200, and failed requests. */
  errors: number;
  requestsPerSecond: number;
  latency: Summary;
}

const REQUEST_TIMEOUT_MS = 15_000;

function assertLoopback(url: string): void {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`The bench only loads 127.0.0.1, not ${url}`);
}

function status(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const request = get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', () => resolve(0));
    });
    request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

export async function load(url: string, { concurrency, seconds, maxRequests }: LoadOptions): Promise<LoadFigure> {
  assertLoopback(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const samples: number[] = [];
  let sent = 0;
  let errors = 0;
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  const worker = async () => {
    while (sent < maxRequests && performance.now() < stopAt) {
      sent++;
      const requestStarted = performance.now();
      if ((await status(url, agent)) !== 200) errors++;
      samples.push(performance.now() - requestStarted);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { concurrency, requests: samples.length, errors, requestsPerSecond: samples.length / elapsed, latency: summarize(samples) };
}
