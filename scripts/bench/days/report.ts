/**
 * What the simulated days mean: their targets (the service within its budget in every rolling
 * 24 hours at every level; no play lost below a lockout), their headline, and their part of
 * docs/benchmarks.md, from the figures alone.
 */
import { budgetParts, DEFAULT_DAILY_BUDGET } from '../../../config/budget.cjs';
import type { BenchResult } from '../run';
import { DESIGN_LABELS, type DaysDesign } from './designs';
import type { DaysFigure } from './section';
import type { RunFigure } from './simulate';
import { COLLECT_MINUTES } from './stack';
import { ENDPOINTS, LEVEL_LABELS, LEVELS, SPIKE_HOUR, type Level } from './traffic';

interface Target {
  name: string;
  value: string;
  pass: boolean;
}

/** The budget every run of the service had: SPOTIFY_DAILY_BUDGET at its default. */
export const BUDGET = DEFAULT_DAILY_BUDGET;

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const seconds = (value: number) => (Number.isFinite(value) ? `${value === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} s` : '–');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

/** The runs at traffic levels (no quota), in the levels' order. */
function levelRuns(days: DaysFigure, design: DaysDesign): RunFigure[] {
  const runs = days.runs.filter((run) => run.design === design && !run.scenario.quotaCalls);
  return LEVELS.flatMap((level) => runs.filter((run) => run.scenario.level === level));
}

const quotaRuns = (days: DaysFigure) => days.runs.filter((run) => run.scenario.quotaCalls);

/** Every run: the service's first, each design's levels in order, the quota scenario last. */
function ordered(days: DaysFigure): RunFigure[] {
  const rank = (run: RunFigure) => (run.design === 'service' ? 0 : 100) + (run.scenario.quotaCalls ? 50 : LEVELS.indexOf(run.scenario.level));
  return [...days.runs].sort((a, b) => rank(a) - rank(b));
}

/** The most calls in any rolling 24 h; for a run shorter than a day, its calls per hour (after the first) × 24. */
function dayCalls(run: RunFigure): { calls: number; extrapolated: boolean } {
  return run.hours >= 24 ? { calls: run.spotify.maxRolling24h, extrapolated: false } : { calls: Math.round(run.spotify.perHourAfterFirst * 24), extrapolated: true };
}

function dayCallsText(run: RunFigure): string {
  const { calls, extrapolated } = dayCalls(run);
  return extrapolated ? `≈ ${count(calls)} (from ${run.hours} h)` : count(calls);
}

const levelName = (level: Level) => LEVEL_LABELS[level];

export function daysTargets(days: DaysFigure): Target[] {
  const service = levelRuns(days, 'service');
  return [
    ...service.map((run) => ({
      name: `simulated days, ${levelName(run.scenario.level)}: this service ≤ ${count(BUDGET)} Spotify calls in every rolling 24 h (${run.hours} h)`,
      value: `at most ${count(run.spotify.maxRolling24h)}`,
      pass: run.spotify.maxRolling24h <= BUDGET,
    })),
    ...service.map((run) => ({
      name: `simulated days, ${levelName(run.scenario.level)}: this service loses no play (no lockout)`,
      value: `${count(run.collector.playsLost)} of ${count(run.collector.playsMade)} lost`,
      pass: run.collector.playsLost === 0,
    })),
  ];
}

/** "12.5 h" from hours. */
const hours = (value: number) => `${Number.isInteger(value) ? value : value.toFixed(1)} h`;

/** "17.6 h–24.0 h", or for a lockout of minutes "25.05 h for 40 s". */
function span(since: number, until: number): string {
  const seconds = Math.round((until - since) * 3600);
  return seconds < 360 ? `${since.toFixed(2)} h for ${seconds} s` : `${hours(since)}–${hours(until)}`;
}

function lockoutText(run: RunFigure): string {
  if (run.lockouts.length === 0) return 'never locked out';
  const lockouts = run.lockouts.map(({ since, until, toldAfterMinutes }) => `${span(since, until)} (${toldAfterMinutes === null ? 'never told' : `told after ${toldAfterMinutes} min`})`);
  return `locked out ${lockouts.join(', ')}; ${run.quotaNotices ?? 0} notice${run.quotaNotices === 1 ? '' : 's'}`;
}

export function daysHeadline(days: DaysFigure): string[] {
  const lines: string[] = [];
  for (const design of ['service', 'today'] as const) {
    const runs = levelRuns(days, design);
    if (runs.length === 0) continue;
    const most = runs.map((run) => `${dayCallsText(run)} at ${levelName(run.scenario.level)}`).join(', ');
    const ages = runs.map((run) => `${seconds(run.nowPlaying.staleness.p50)}/${seconds(run.nowPlaying.staleness.p95)}`).join(', ');
    const lost = runs.map((run) => count(run.collector.playsLost)).join(', ');
    lines.push(`Simulated days, ${DESIGN_LABELS[design]}: most Spotify calls in any rolling 24 h ${most} (budget ${count(BUDGET)}); /now-playing's age p50/p95 ${ages}; plays lost ${lost}.`);
  }
  for (const run of quotaRuns(days)) {
    lines.push(
      `Spotify's quota at ${count(run.scenario.quotaCalls!)} calls a day, ${DESIGN_LABELS[run.design]}: ${lockoutText(run)}; ` +
        `stale /now-playing answers for ${count(run.nowPlaying.staleMinutes)} min; ${count(run.collector.playsLost)} of ${count(run.collector.playsMade)} plays lost.`,
    );
  }
  return lines;
}

/** Calls per Spotify endpoint: token, currently playing, recently played, top lists, profile. */
function endpointCells(run: RunFigure): string[] {
  const { token, currentlyPlaying, recentlyPlayed, top, me, other } = run.spotify.byEndpoint;
  return [token, currentlyPlaying, recentlyPlayed, top, me + other].map(count);
}

function levelRows(days: DaysFigure): string[] {
  const runs = [...levelRuns(days, 'service'), ...levelRuns(days, 'today')].sort((a, b) => LEVELS.indexOf(a.scenario.level) - LEVELS.indexOf(b.scenario.level));
  return runs.map((run) => {
    const stale = run.nowPlaying.staleRequests ? `${count(run.nowPlaying.staleRequests)} (${Object.entries(run.nowPlaying.staleReasons).map(([reason, n]) => `${reason} ${count(n)}`).join(', ')})` : '0';
    const { calls } = dayCalls(run);
    const over = calls > BUDGET ? ` (${(calls / BUDGET).toFixed(1)}× the budget)` : '';
    return row([
      levelName(run.scenario.level),
      DESIGN_LABELS[run.design],
      hours(run.hours),
      count(run.requests),
      `${dayCallsText(run)}${over}`,
      count(run.spotify.total),
      ...endpointCells(run),
      `${seconds(run.nowPlaying.staleness.p50)} / ${seconds(run.nowPlaying.staleness.p95)}`,
      stale,
      `${count(run.collector.playsLost)} of ${count(run.collector.playsMade)}`,
      count(run.errors),
    ]);
  });
}

const FUNCTIONS = [...ENDPOINTS.map((endpoint) => endpoint.fn), 'collect', 'watch'];
const FUNCTION_HEADS = [...ENDPOINTS.map((endpoint) => endpoint.path), 'collector', 'watch'];

function functionRows(days: DaysFigure): string[] {
  return ordered(days).map((run) =>
    row([
      run.scenario.quotaCalls ? `quota ${count(run.scenario.quotaCalls)}, ${levelName(run.scenario.level)}` : levelName(run.scenario.level),
      DESIGN_LABELS[run.design],
      ...FUNCTIONS.map((fn) => count(run.byFunction[fn]?.spotifyCalls ?? 0)),
      count(run.collector.failed),
    ]),
  );
}

function quotaRows(days: DaysFigure): string[] {
  return quotaRuns(days).map((run) => {
    const gaps = run.collector.gaps.map((gap) => `${hours(gap.from)}–${hours(gap.to)}${gap.reason ? ` (${gap.reason})` : ''}`).join('; ') || 'none';
    const failed = Object.entries(run.collector.failReasons).map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none';
    return row([
      DESIGN_LABELS[run.design],
      `${count(run.scenario.quotaCalls!)} (${levelName(run.scenario.level)})`,
      lockoutText(run),
      count(run.spotify.maxRolling24h),
      count(run.spotify.refused),
      `${count(run.nowPlaying.staleMinutes)} min (${Object.entries(run.nowPlaying.staleReasons).map(([reason, n]) => `${reason} ${count(n)}`).join(', ') || 'none'})`,
      `${count(run.collector.playsLost)} of ${count(run.collector.playsMade)}`,
      count(run.errors),
      failed,
      gaps,
    ]);
  });
}

/** Mean real ms of a warm invocation (no DynamoDB request, no Spotify call) per function, over every run. */
function warmCosts(days: DaysFigure): string {
  return ENDPOINTS.map(({ fn, path }) => {
    const runs = days.runs.map((run) => run.byFunction[fn]).filter((figure) => figure && figure.warm > 0);
    const warm = runs.reduce((sum, figure) => sum + figure!.warm, 0);
    const ms = runs.reduce((sum, figure) => sum + figure!.warmRealMs, 0);
    return `${path} ${warm ? (ms / warm).toFixed(2) : '–'} ms`;
  }).join(', ');
}

function costRows(days: DaysFigure): string[] {
  return ordered(days).map((run) => {
    const dynamo = Object.values(run.byFunction).reduce((sum, figure) => sum + figure.dynamoRequests, 0);
    return row([
      run.scenario.quotaCalls ? `quota ${count(run.scenario.quotaCalls)}, ${levelName(run.scenario.level)}` : levelName(run.scenario.level),
      DESIGN_LABELS[run.design],
      count(run.requests),
      count(run.invocations),
      count(dynamo),
      `${Math.round(run.seconds)} s`,
    ]);
  });
}

export function daysMarkdown(days: DaysFigure, result: Pick<BenchResult, 'startedAt' | 'machine' | 'settings'>): string[] {
  const options = result.settings.days;
  const parts = budgetParts(BUDGET, COLLECT_MINUTES);
  const designs = days.designs.map(({ design, commit }) => `${DESIGN_LABELS[design]}: ${commit}`).join('; ');
  return [
    '## Simulated days: the day\'s Spotify budget',
    '',
    `Measured on ${result.startedAt.slice(0, 10)} by \`npm run bench -- --only days\` (or a full run) in ${Math.round(days.seconds)} s, ${options.workers} runs at a time ` +
      `(load average ${result.machine.loadAverageAtStart.join(', ')} when it started). Built: ${designs}.`,
    '',
    ...daysHeadline(days).map((line) => `- ${line}`),
    '',
    '### Targets',
    '',
    row(['target', 'this run', '']),
    row(['---', '---', '---']),
    ...daysTargets(days).map((target) => row([target.name, target.value, target.pass ? 'PASS' : 'FAIL'])),
    '',
    `### Spotify calls, /now-playing's age and plays lost, per traffic level (budget ${count(BUDGET)} a rolling day)`,
    '',
    row(['traffic', 'design', 'simulated', 'requests', 'most calls in any rolling 24 h', 'calls', 'token', 'currently playing', 'recently played', 'top lists', 'profile', "/now-playing's age p50 / p95", 'stale /now-playing answers', 'plays lost', 'error answers']),
    row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---:']),
    ...levelRows(days),
    '',
    `"Most calls in any rolling 24 h" counts every call to Spotify (Web API and token endpoint, refused ones too) in every window of 24 hours that ends at a call: no window sliding by minutes holds more. The service's ${count(BUDGET)} are ${parts.reserves.refresh} for token refreshes, ${parts.reserves.owner} for the owner, ${parts.reserves.collector} for the collector and ${count(parts.public)} for the public endpoints (config/budget.cjs).`,
    `Today's design is simulated for ${options.todayBusyHours} h only at 1 and 20 requests a second (an hour of it there costs 10 to 30 s to simulate: a Spotify call every 15 s, each with a few DynamoDB requests); it has no budget and keeps nothing from one hour to the next but its caches, so its "≈" day is its calls per hour after the first × 24.`,
    'A level\'s "age" is each /now-playing request\'s time minus its answer\'s `fetchedAt`, over every request.',
    '',
    '### Spotify calls by the function that made them',
    '',
    row(['traffic', 'design', ...FUNCTION_HEADS, 'failed collector runs']),
    row(['---', '---', ...FUNCTION_HEADS.map(() => '---:'), '---:']),
    ...functionRows(days),
    '',
    ...(quotaRuns(days).length
      ? [
          '### Spotify\'s daily quota below the budget',
          '',
          row(['design', 'quota (traffic)', 'lockouts (hours from the start) and when the owner was told', 'most calls in any rolling 24 h', 'refused calls', 'stale /now-playing', 'plays lost', 'error answers', 'failed collector runs', 'gaps recorded (reason)']),
          row(['---', '---', '---', '---:', '---:', '---', '---:', '---:', '---', '---']),
          ...quotaRows(days),
          '',
          'The emulator refuses every call past the quota with QUOTA_EXCEEDED and a Retry-After of when its rolling 24 hours free up (hours), as',
          'Spotify does; a lockout runs from the first refused call to then. "Stale /now-playing" is how long the last /now-playing answer',
          'standing was `stale: true`; "told" is the watch\'s notice naming that lockout (it runs hourly), counted from the first refused call;',
          '"notices" are the quota notices the owner got (on the log channel, the one every deployment has).',
          '',
        ]
      : []),
    '### What each run cost',
    '',
    row(['traffic', 'design', 'requests', 'invocations', 'DynamoDB requests', 'real time']),
    row(['---', '---', '---:', '---:', '---:', '---:']),
    ...costRows(days),
    '',
    '### How it is measured',
    '',
    `- Each run is one design and one scenario for ${hours(options.hours)} of simulated time (the bench's simulated clock, which the handlers, the`,
    '  emulator and the bench read alike), in a process of its own, on its own in-memory dynalite with the design\'s own tables (today\'s',
    '  design has no budget item) and its own Spotify emulator (no latency: calls are counted, not timed). Both designs run against the',
    '  same emulator settings. Today\'s design is main before the day\'s budget: the bench adds a git worktree of it outside the',
    '  checkout, bundles it with its own serverless.yml\'s esbuild settings and removes the worktree; this service is the checkout as it is.',
    `- ${options.containers} containers per public function: ${options.containers} fresh instances of its built bundle, each with its own memory, clients and`,
    '  lease identity, sharing only DynamoDB and Spotify, as Lambda containers do. Each endpoint\'s requests go to one of them at a',
    '  time, picked again at random (seeded) every five simulated minutes, as Lambda keeps reusing a warm container while requests come',
    '  one after another (turns of a minute cost twice the time to simulate and gave the same calls and ages). The collector runs every',
    '  30 minutes and the watch hourly, each as its bundle. The owner connects through each design\'s own /login and /callback.',
    `- Traffic is spread evenly over ${ENDPOINTS.map((endpoint) => endpoint.path).join(', ')} (request n to endpoint n mod ${ENDPOINTS.length}).`,
    `  The spike level is 1 request a minute but 20 a second from hour ${SPIKE_HOUR} to ${SPIKE_HOUR + 1} of each simulated day. /history and /history.svg`,
    '  are left out: they call no Spotify endpoint, and they are not cheap (/history.svg reads five items on every request).',
    '- The owner listens like a heavy listener: each hour a session of tracks of 80–92 s back to back (about 41 tracks, ~980 plays a',
    '  day) through the emulator\'s player, then about a minute of silence, when /now-playing answers the last played. Spotify\'s recently',
    '  played reaches the last 50 plays only, in the emulator too. "Plays lost" are the plays the owner made from the start to the',
    '  collector\'s last run (one more runs at the end) that the history table does not hold.',
    '- Not every request is invoked: an invocation stands for the requests that come after it to the same endpoint and container while',
    '  its answer says it is fresh (its Cache-Control max-age: the service\'s own cache answers those from memory, alike), and at least for',
    '  those of the same simulated second; never past the endpoint\'s move to another container. Each request it stands for keeps its own',
    '  arrival time, so the age figures count every request. One invocation per request (or per endpoint and second) was measured first',
    `  and took far longer than the bench's 15 minutes: a warm invocation alone (no DynamoDB request, no Spotify call) cost ${warmCosts(days)}`,
    '  in these runs, and one that reads DynamoDB a few ms. Over two simulated hours at 1 request a second, invoking every request and',
    '  standing for requests as above gave the same Spotify calls per endpoint and the same ages to a hundredth of a second.',
    `- OWNER_RECHECK_SECONDS is ${days.settings.OWNER_RECHECK_SECONDS} in every run (its default is 5): the owner never changes here, and the setting decides only how often`,
    '  a container reads the owner\'s item from DynamoDB, never a Spotify call or an answer\'s age (checked: the same calls either way);',
    '  at 5 s the reads alone made a simulated hour at 1 request a second take a minute. Every other setting is the service\'s default.',
    '- Each container\'s AsyncLocalStorage is served by one shared storage (days/async-context.ts) and each bundle is compiled once and',
    '  instantiated once per container (days/simulate.ts): the same isolation, less time per simulated hour on node 20.',
  ];
}
