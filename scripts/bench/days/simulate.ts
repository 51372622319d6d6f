/**
 * One simulated run: one design, one traffic level (and, for the quota scenario, Spotify's daily
 * quota), over `hours` simulated hours on the simulated clock. The owner connects through the
 * design's own /login and /callback, then listens each hour (listener.ts); the collector runs every
 * HISTORY_COLLECT_MINUTES and the watch hourly, each as its bundle; visitors arrive as traffic.ts
 * says, each endpoint's requests answered by `containers` fresh copies of its function's bundle.
 * Invocations run one after another, in simulated-time order. At the end the collector runs once
 * more, and the plays the owner made are looked for in the history table.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { httpEvent, lambdaContext } from '../../../tests/support/events';
import { OWNER_ID, type SpotifyModel } from '../../../tests/support/spotify-emulator';
import { clock, useSimulatedClock } from '../clock';
import type { BuiltDesign, DaysDesign } from './designs';
import { listen, playsBetween } from './listener';
import { RunRecord, type RunFigures } from './record';
import { COLLECT_MINUTES, startStack, type Stack } from './stack';
import { Spans, type Span } from './spans';
import { ENDPOINTS, requestsIn, type Level } from './traffic';

const HOUR_MS = 3_600_000;
/** The collector runs a minute past each period's start, the watch three minutes past each hour. */
const COLLECT_OFFSET_S = 60;
const WATCH_OFFSET_S = 180;

export interface Scenario {
  level: Level;
  /** Spotify's daily quota (calls in any rolling 24 h), or none. */
  quotaCalls?: number;
}

export interface RunSpec {
  design: BuiltDesign;
  scenario: Scenario;
  hours: number;
  containers: number;
  /** One invocation per endpoint and simulated second, not standing for the requests its fresh answer covers (spans.ts). */
  everySecond: boolean;
  /** Settings that differ from the service's defaults. */
  settings: Record<string, string>;
}

export interface CollectorFigure {
  runs: number;
  failed: number;
  failReasons: Record<string, number>;
  /** The gaps it recorded (hours from the start) and their reason, when it says one. */
  gaps: { from: number; to: number; reason: string | null }[];
  playsMade: number;
  playsLost: number;
}

export interface RunFigure extends RunFigures {
  design: DaysDesign;
  scenario: Scenario;
  hours: number;
  containers: number;
  collector: CollectorFigure;
  /** Real seconds the run took. */
  seconds: number;
}

type Answer = { statusCode: number; body?: string; headers?: Record<string, string>; cookies?: string[] };
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const compiled = new Map<string, Script>();

/**
 * A fresh instance of a built bundle: another container, with its own module state (memory,
 * clients, lease identity), as a fresh require() of it would give. Each bundle is compiled once
 * and its script run once per container: every run makes a new module scope, and the containers
 * share only the compiled code (loading 30 copies cost seconds, and each copy warmed up apart).
 */
function container(file: string): Handler {
  let script = compiled.get(file);
  if (!script) {
    script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file });
    compiled.set(file, script);
  }
  const module = { exports: {} as { handler?: Handler } };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  if (!module.exports.handler) throw new Error(`${file} exports no handler`);
  return module.exports.handler;
}

function bundleOf(design: BuiltDesign, fn: string): string {
  const file = design.bundles[fn];
  if (!file) throw new Error(`${design.design} has no function ${fn}`);
  return file;
}

/** The owner connects through the design's own /login and /callback, as in a browser. */
async function connect(model: SpotifyModel, design: BuiltDesign): Promise<void> {
  const login = (await container(bundleOf(design, 'login'))(httpEvent('/login'), lambdaContext('login'))) as Answer;
  const authorize = new URL(login.headers?.Location ?? login.headers?.location ?? '');
  const cookie = (login.cookies?.[0] ?? '').split(';')[0] ?? '';
  const code = model.approve(model.authorize(authorize.searchParams), OWNER_ID);
  const query = { code, state: authorize.searchParams.get('state') ?? '' };
  const callback = (await container(bundleOf(design, 'callback'))(httpEvent('/callback', { query, cookies: [cookie] }), lambdaContext('callback'))) as Answer;
  if (callback.statusCode !== 200) throw new Error(`${design.design}: the owner could not connect (/callback answered ${callback.statusCode})`);
}

interface Collected {
  runs: number;
  failed: number;
  failReasons: Map<string, number>;
}

interface Run {
  spec: RunSpec;
  stack: Stack;
  record: RunRecord;
  start: number;
  containers: Map<string, Handler[]>;
  spans: Spans;
  collect: Handler;
  watch: Handler;
  collected: Collected;
}

async function runCollector(run: Run): Promise<void> {
  const report = (await run.record.invoke('collect', () => run.collect({}, lambdaContext('collect')))) as { outcome?: string; reason?: string };
  run.record.answered('collect', 1, report);
  run.collected.runs += 1;
  if (report?.outcome !== 'failed') return;
  run.collected.failed += 1;
  const reason = report.reason ?? 'unknown';
  run.collected.failReasons.set(reason, (run.collected.failReasons.get(reason) ?? 0) + 1);
}

async function runWatch(run: Run): Promise<void> {
  const report = (await run.record.invoke('watch', () => run.watch({}, lambdaContext('watch')))) as { sent?: string[] };
  run.record.answered('watch', 1, report);
  run.record.watched(Date.now(), report?.sent ?? []);
}

/** What is scheduled in simulated second `second`: the owner's next session, the collector, the watch. */
function scheduledAt(run: Run, second: number): (() => Promise<void> | void)[] {
  const due: (() => Promise<void> | void)[] = [];
  if (second % 3600 === 0) due.push(() => listen(run.stack.model, second / 3600));
  if (second % (COLLECT_MINUTES * 60) === COLLECT_OFFSET_S) due.push(() => runCollector(run));
  if (second % 3600 === WATCH_OFFSET_S) due.push(() => runWatch(run));
  return due;
}

/** Runs the request to `endpoint` on its `container`. */
function invoke(run: Run, endpoint: number, container: number): Promise<Answer> {
  const { fn, path } = ENDPOINTS[endpoint]!;
  const handler = run.containers.get(fn)![container]!;
  return run.record.invoke(fn, () => handler(httpEvent(path), lambdaContext(fn))) as Promise<Answer>;
}

/** A span ended: the requests it stood for, and /now-playing's age of its answer. */
function spanDone(run: Run, span: Span): void {
  const { fn } = ENDPOINTS[span.endpoint]!;
  run.record.answered(fn, span.arrivals.length, span.answer);
  if (fn === 'nowPlaying') run.record.nowPlaying(run.start + span.atMs, span.arrivals, span.answer);
}

/** Simulated second `second`: what is scheduled, then the visitors, in simulated-time order. */
async function second(run: Run, second: number): Promise<void> {
  clock.advanceTo(run.start + second * 1000);
  for (const due of scheduledAt(run, second)) await due();
  for (const [endpoint, atMs] of requestsIn(run.spec.scenario.level, second)) {
    clock.advanceTo(run.start + atMs);
    await run.spans.request(endpoint, atMs);
  }
}

/** The plays made from the start to the last collector run that are not in the history table, and its gaps. */
async function collectorFigure(run: Run, lastCollect: number): Promise<CollectorFigure> {
  const made = playsBetween(run.stack.model, run.start, lastCollect);
  const stored = new Set((await run.stack.historyItems(`play#${OWNER_ID}`)).map((item) => String(item.sk)));
  const hours = (iso: unknown) => Math.round(((Date.parse(String(iso)) - run.start) / HOUR_MS) * 100) / 100;
  const gaps = (await run.stack.historyItems(`gap#${OWNER_ID}`)).map((item) => ({
    from: hours(item.from ?? item.sk),
    to: hours(item.to),
    reason: typeof item.reason === 'string' ? item.reason : null,
  }));
  return {
    runs: run.collected.runs,
    failed: run.collected.failed,
    failReasons: Object.fromEntries(run.collected.failReasons),
    gaps,
    playsMade: made.length,
    playsLost: made.filter((play) => !stored.has(`${play.playedAt}#${play.trackId}`)).length,
  };
}

/** Runs one design and scenario; call in a process of its own (worker.ts): it sets the environment and replaces Date.now. */
export async function simulate(spec: RunSpec, progress: (line: string) => void = () => undefined): Promise<RunFigure> {
  const started = performance.now();
  const stack = await startStack(spec.design.tables, spec.settings);
  const restoreClock = useSimulatedClock();
  try {
    const { model } = stack;
    await connect(model, spec.design);
    // The simulation starts on the next whole hour, at least a minute after the owner connected.
    const start = Math.ceil((clock.now() + 60_000) / HOUR_MS) * HOUR_MS;
    if (spec.scenario.quotaCalls) model.dailyQuota = { calls: spec.scenario.quotaCalls };
    const fns = [...new Set(ENDPOINTS.map((endpoint) => endpoint.fn))];
    const run: Run = {
      spec,
      spans: new Spans(spec.containers, !spec.everySecond, (endpoint, container) => invoke(run, endpoint, container), (span) => spanDone(run, span)),
      stack,
      record: new RunRecord(model, stack.dynamoRequests, start),
      start,
      containers: new Map(fns.map((fn) => [fn, Array.from({ length: spec.containers }, () => container(bundleOf(spec.design, fn)))])),
      collect: container(bundleOf(spec.design, 'collect')),
      watch: container(bundleOf(spec.design, 'watch')),
      collected: { runs: 0, failed: 0, failReasons: new Map() },
    };
    const seconds = spec.hours * 3600;
    for (let s = 0; s < seconds; s++) {
      await second(run, s);
      if ((s + 1) % (6 * 3600) === 0) progress(`${(s + 1) / 3600} of ${spec.hours} simulated hours in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    run.spans.closeAll();
    // The next run of the collector, as its schedule would make it.
    const lastCollect = start + seconds * 1000 + COLLECT_OFFSET_S * 1000;
    clock.advanceTo(lastCollect);
    await runCollector(run);
    const collector = await collectorFigure(run, lastCollect);
    return {
      design: spec.design.design,
      scenario: spec.scenario,
      hours: spec.hours,
      containers: spec.containers,
      ...run.record.figures(lastCollect),
      collector,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    restoreClock();
    await stack.close();
  }
}
