/**
 * The scheduled functions on the local stack: serverless offline runs no schedules, so `npm start`
 * invokes the real functions through offline's Lambda endpoint (the same handler, bundle and
 * environment as the HTTP functions): the watch on WATCH_SCHEDULE, the collector every
 * HISTORY_COLLECT_MINUTES. `npm run watch` and `npm run collect` invoke one once.
 */

/** The functions' names as serverless offline knows them: <service>-<stage>-<function>. */
export const WATCH_FUNCTION = 'spotify-highlights-local-watch';
export const COLLECT_FUNCTION = 'spotify-highlights-local-collect';

const UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

/**
 * How often a schedule expression runs, for the local stack: rate(N unit) as EventBridge reads
 * it; a cron(…) expression is run daily locally (its exact times matter only on AWS).
 */
export function intervalOf(schedule: string): number {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(schedule.trim());
  if (rate) return Number(rate[1]) * UNITS[rate[2]!]!;
  if (/^cron\(.+\)$/.test(schedule.trim())) return UNITS.day!;
  throw new Error(`WATCH_SCHEDULE must be rate(…) or cron(…), as EventBridge takes them: got ${JSON.stringify(schedule.slice(0, 60))}.`);
}

export interface RunOutcome {
  ok: boolean;
  /** The function's answer (its report), or why it failed. */
  detail: string;
}

/** How often the collector runs locally: every HISTORY_COLLECT_MINUTES (default 30); undefined for 0 (off). */
export function collectInterval(minutes: string | undefined): number | undefined {
  const text = minutes?.trim() || '30';
  if (!/^\d{1,4}$/.test(text) || Number(text) > 1440) throw new Error(`HISTORY_COLLECT_MINUTES must be a whole number from 0 (off) to 1440: got ${JSON.stringify(text.slice(0, 20))}.`);
  return Number(text) === 0 ? undefined : Number(text) * UNITS.minute!;
}

/** Invokes a function once through serverless offline's Lambda endpoint on 127.0.0.1:lambdaPort. */
export async function invokeFunction(lambdaPort: number, name: string): Promise<RunOutcome> {
  const url = `http://127.0.0.1:${lambdaPort}/2015-03-31/functions/${name}/invocations`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(60_000) });
  } catch {
    return { ok: false, detail: `nothing answers on 127.0.0.1:${lambdaPort}: is the local stack running (npm start)?` };
  }
  const text = await response.text();
  const failed = !response.ok || response.headers.has('x-amz-function-error') || response.headers.has('x-amzn-errortype');
  if (!failed) return { ok: true, detail: text.slice(0, 2000) };
  // A failed run answers its error with a stack trace: the message is what a person needs.
  let message = text.slice(0, 500);
  try {
    const error = JSON.parse(text) as { errorMessage?: unknown };
    if (typeof error.errorMessage === 'string') message = error.errorMessage;
  } catch {
    // not JSON: shown as it came
  }
  return { ok: false, detail: message };
}

/** The watch, once. */
export function invokeWatch(lambdaPort: number): Promise<RunOutcome> {
  return invokeFunction(lambdaPort, WATCH_FUNCTION);
}
